import type { QQBotClient } from '../client/qqbot-client.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { UnfinishedEventError } from '../pipeline/event-pipeline.js'
import { sleep } from '../util/sleep.js'

/** Where an ingress sends its events: a Redis stream, a JetStream subject, … */
export interface EventPublisher {
  /** For log lines: `the Redis stream`, `JetStream`. */
  readonly target: string
  /** Resolves once the broker has the event durably; rejects when it could not take it. */
  publish(event: DispatchedEvent): Promise<void>
}

export interface EventForwarderOptions {
  /** After stop() began, how long an event may still wait for an unreachable broker before it is given up. Default 10 s. */
  stopGiveUpMs?: number
  /** Longest wait between two attempts. Default 2 s. */
  maxRetryDelayMs?: number
}

/**
 * The core of an ingress: every event the client receives is handed to a broker, and its handler (so the
 * event's pipeline slot and, through `done`, the shard's stored seq) resolves only once the broker has it.
 * While the broker is unreachable the event is retried, not dropped: the pipeline fills and the gateway
 * stops reading until the broker is back. Only a stop gives up, after `stopGiveUpMs`, with an error log and
 * an {@link UnfinishedEventError}, so the event is not reported done and the shard's stored seq stays before it.
 */
export class EventForwarder {
  private stopping = false
  private failing = false
  /** Set once an event was given up during the stop: the others queued behind it give up after one try. */
  private gaveUp = false

  constructor(
    private readonly client: QQBotClient,
    private readonly publisher: EventPublisher,
    private readonly options: EventForwarderOptions = {},
  ) {
    client.onAny((event) => this.forward(event))
  }

  /** From now on an event that cannot be published is given up after `stopGiveUpMs`. Call before `client.stop()`. */
  beginStop(): void {
    this.stopping = true
  }

  private async forward(event: DispatchedEvent): Promise<void> {
    const { logger } = this.client
    let giveUpAt = Infinity
    for (let attempt = 0; ; attempt++) {
      try {
        await this.publisher.publish(event)
        break
      } catch (error) {
        if (this.stopping)
          giveUpAt = Math.min(giveUpAt, this.gaveUp ? 0 : Date.now() + (this.options.stopGiveUpMs ?? 10_000))
        if (Date.now() >= giveUpAt) {
          this.gaveUp = true
          logger.error(
            { err: error, event: event.name, eventId: event.id },
            `stopping while ${this.publisher.target} is unreachable: an event could not be published; the stored seq stays before it, so the next owner of the shard is replayed it`,
          )
          throw new UnfinishedEventError(
            `${event.name} ${event.id ?? ''} could not be published to ${this.publisher.target} before the stop`,
            { cause: error },
          )
        }
        if (!this.failing)
          logger.error({ err: error }, `cannot publish events to ${this.publisher.target}; holding them and retrying`)
        this.failing = true
        await sleep(Math.min(this.options.maxRetryDelayMs ?? 2_000, 100 * 2 ** attempt))
      }
    }
    if (this.failing) logger.info(`publishing events to ${this.publisher.target} again`)
    this.failing = false
    this.client.metricsRegistry.inc('broker_published')
  }
}
