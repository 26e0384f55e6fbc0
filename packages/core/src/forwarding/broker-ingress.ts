import { QQBotClient } from '../client/qqbot-client.js'
import { namedDedupeKey } from '../pipeline/event-keys.js'
import type { ClientOptions } from '../client/client-options.js'
import { EventForwarder, type EventPublisher } from './event-forwarder.js'

/** Options every broker adapter's ingress takes, on top of its broker's own. */
export interface BrokerIngressOptions extends ClientOptions {
  /**
   * The intents to identify with. An ingress runs no handlers to derive them from: pass the workers' bot's
   * `bot.client.intents` (a bot built with the same controllers, never started), or intent names.
   */
  intents: NonNullable<ClientOptions['intents']>
}

/** An {@link EventPublisher} that must set its broker up (a stream, a consumer group) before the first publish. */
export interface IngressPublisher extends EventPublisher {
  /** Creates what the events are published to unless it exists; the ingress connects to the platform after it. */
  prepare(): Promise<void>
  /** Called once the ingress has stopped and published its last event: release what `prepare()` set up. */
  close?(): Promise<void>
}

/**
 * The gateway (or webhook) side of an ingress/worker split, whatever the broker: holds the platform
 * connections, validates each event and hands it to the broker through an {@link EventForwarder}. A shard's
 * stored seq moves on only after the broker has the event, so a crashed ingress loses nothing: its successor
 * is replayed the rest. Broker adapters extend it with their publisher.
 */
export class BrokerIngress {
  readonly client: QQBotClient
  private readonly forwarder: EventForwarder

  constructor(
    options: BrokerIngressOptions,
    private readonly publisher: IngressPublisher,
  ) {
    // Every named copy of a message is published: the ingress cannot know which of the names the workers handle.
    this.client = new QQBotClient(options, { dedupeKey: namedDedupeKey })
    this.forwarder = new EventForwarder(this.client, publisher)
  }

  /** Sets the broker up (so nothing published from now on is missed), then connects to the platform. */
  async start(): Promise<void> {
    await this.publisher.prepare()
    await this.client.start()
  }

  async stop(): Promise<void> {
    this.forwarder.beginStop()
    await this.client.stop()
    await this.publisher.close?.()
  }
}
