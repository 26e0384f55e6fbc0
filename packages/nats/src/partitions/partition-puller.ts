import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
} from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { sleep, type BrokerDelivery, type BrokerRuntime, type BrokerWorkerSettings } from '@qqbot/core/adapter'
import { deliveriesOf, PullSize, type EventMessage } from '../event-message.js'
import { countMissedHeartbeats, missedHeartbeats } from '../missed-heartbeats.js'
import type { PartitionedNames } from './partition-names.js'

/** An event's message with the partition it came from. */
export interface PartitionMessage extends EventMessage {
  readonly partition: number
}

export type PartitionDelivery = BrokerDelivery<PartitionMessage>

/** What a puller asks of the broker it pulls for. */
export interface PullerHost {
  /** On the server, the partition's lease is still this worker's. */
  stillOurs(): Promise<boolean>
  /** The broker's queue has room for another pull (backpressure). */
  roomInQueue(): boolean
  pulled(delivery: PartitionDelivery): void
}

const NS_PER_MS = 1_000_000

/**
 * The pull loop of one partition this worker holds: creates the partition's consumer anew, pulls from it until
 * stopped, and keeps the ids of what it pulled until the broker says they are finished.
 */
export class PartitionPuller {
  /** Pulled here and not finished: a partition handed back waits for these. */
  readonly outstanding = new Set<PartitionDelivery['id']>()
  /** The pull under way, if any. */
  batch: ConsumerMessages | undefined
  private pulling = true
  private readonly pullSize = new PullSize()
  private readonly pump: Promise<void>

  constructor(
    private readonly partition: number,
    private readonly nats: NatsConnection,
    private readonly names: PartitionedNames,
    private readonly settings: BrokerWorkerSettings,
    private readonly runtime: BrokerRuntime,
    private readonly host: PullerHost,
  ) {
    this.pump = this.pull()
  }

  async stop(): Promise<void> {
    this.pulling = false
    await this.batch?.close().catch(() => undefined)
    await this.pump
  }

  private async pull(): Promise<void> {
    const { logger, readingStopped } = this.runtime
    const { partition } = this
    let consumer: Consumer | undefined
    try {
      consumer = await this.createConsumer()
    } catch (error) {
      logger.error({ err: error, partition }, 'could not create the consumer of a partition just taken')
      return
    }
    while (this.pulling) {
      // Little read ahead: a partition handed back waits for what was read before it.
      if (!this.host.roomInQueue()) {
        await sleep(20, readingStopped).catch(() => undefined)
        continue
      }
      try {
        const batch = (this.batch = await consumer.fetch({
          max_messages: this.pullSize.messagesFor(this.settings.batchSize),
          expires: this.settings.blockMs,
        }))
        for await (const msg of batch) {
          const deliveries = deliveriesOf(
            msg,
            (seq) => `${partition}/${seq}`,
            (event) => ({ ...event, partition }),
          )
          this.pullSize.count(deliveries.length)
          for (const delivery of deliveries) {
            this.outstanding.add(delivery.id)
            this.host.pulled(delivery)
          }
        }
        this.pullSize.pullEnded()
      } catch (error) {
        if (!this.pulling) break
        const missed = missedHeartbeats(error)
        if (missed)
          countMissedHeartbeats(this.runtime, 'reading the partition again from its first unacknowledged event', {
            partition,
          })
        else
          logger.error(
            { err: error, partition },
            'pulling from a partition failed; reading it again from its first unacknowledged event in 1 s',
          )
        consumer = await this.resumeAfterFailedPull(missed ? 0 : 1_000)
        if (!consumer) break
      }
    }
  }

  /**
   * A pull that failed (its heartbeats missed, a lost connection) may have taken events that the client then
   * dropped: the consumer would deliver them again only after `ack_wait`, behind newer ones of the same keys. So
   * the consumer is created anew, which delivers from the first unacknowledged event, in stream order. What this
   * worker still handles of the partition comes again too, and is skipped: the engine holds it under the same id,
   * or its done mark is written. Not waited for: a conversation under way waits for a later event of the
   * partition. First after `pauseMs`, then every second; undefined once the partition is no longer pulled here.
   */
  private async resumeAfterFailedPull(pauseMs: number): Promise<Consumer | undefined> {
    const { logger, readingStopped } = this.runtime
    for (let pause = pauseMs; this.pulling; pause = 1_000) {
      if (pause > 0) await sleep(pause, readingStopped).catch(() => undefined)
      if (!this.pulling) break
      try {
        // Only while the server still has the lease as ours: a worker stalled past it must not reset the
        // consumer of the next owner (its lease round notices the loss and stops this loop).
        if (await this.host.stillOurs()) return await this.createConsumer()
      } catch (error) {
        logger.error(
          { err: error, partition: this.partition },
          'could not create the consumer of a partition again; retrying in 1 s',
        )
      }
    }
    return undefined
  }

  /** The partition's durable consumer, deleted first: it delivers every unacknowledged event, oldest first. */
  private async createConsumer(): Promise<Consumer> {
    const name = this.names.consumer(this.partition)
    const jsm = await jetstreamManager(this.nats)
    await jsm.consumers.delete(this.names.stream, name).catch(() => undefined)
    await jsm.consumers.add(this.names.stream, {
      durable_name: name,
      filter_subject: this.names.subject(this.partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: this.settings.claimIdleMs * NS_PER_MS,
      max_ack_pending: 10_000,
    })
    return jetstream(this.nats).consumers.get(this.names.stream, name)
  }
}
