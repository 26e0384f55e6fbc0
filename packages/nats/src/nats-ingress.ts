import { randomUUID } from 'node:crypto'
import type { NatsConnection } from '@nats-io/transport-node'
import { ConfigError, type DispatchedEvent } from '@qqbot/core'
import {
  BrokerIngress,
  EventPartitioner,
  namedDedupeKey,
  resolvePartitions,
  type BrokerIngressOptions,
  type IngressPublisher,
  type PresenceHeartbeat,
} from '@qqbot/core/adapter'
import type { Logger } from 'pino'
import { encodeEvent } from './event-codec.js'
import { EventBatches } from './event-batches.js'
import { jetStreamNames, type JetStreamNameOptions, type JetStreamNames } from './names.js'
import { PubAckWindow } from './pub-ack-window.js'
import { checkJetStreamLayout, ingressPresence, type JetStreamLayout } from './partitions/layout-check.js'
import { partitionedNames, type PartitionedNames } from './partitions/partition-names.js'
import { ensureStream, type RetentionOptions } from './stream-setup.js'

export interface NatsIngressOptions extends BrokerIngressOptions, RetentionOptions, Partial<JetStreamNameOptions> {
  /** A connection from `connect()` of `@nats-io/transport-node`; the ingress does not close it. */
  nats: NatsConnection
  /**
   * Publish each event to the subject of its order key's partition (`<subject>.<n>`, in the stream
   * `<stream>_PARTITIONED`), so one key's events reach one worker at a time, in order. Default (and `true`):
   * 16; or a count; `false` for one subject shared by every worker. The same on every worker. See
   * docs/scaling.md.
   */
  partitions?: number | boolean
  /**
   * Up to this many events in one JetStream message: the events of one subject published in the same turn of
   * the event loop go together, one per line. JetStream's cost is per message, so in a burst this spends a
   * fraction of what one message per event does. Default 1 (one message per event). Workers of this version
   * read both; a worker of an earlier version would drop a message of several events as not one, so raise it
   * only once every worker is upgraded. See docs/scaling.md.
   */
  eventsPerMessage?: number
}

/**
 * Publishes each event to the stream's subject, its named dedupe key as `Nats-Msg-Id`: an event published twice
 * (a retry, a replay after a takeover) is stored once within the stream's duplicate window. With
 * `eventsPerMessage` above 1, the events of a turn go through {@link EventBatches}, several to a message.
 */
class SubjectPublisher implements IngressPublisher {
  readonly target = 'JetStream'
  readonly names: JetStreamNames
  /** Where the publisher logs, once the ingress's client exists. */
  logger: Logger | undefined
  /** Created with the first publish (the connection may not be usable before start()). */
  private pubAcks: PubAckWindow | undefined
  /** With `eventsPerMessage` above 1, created with the first publish too. */
  private batches: EventBatches | undefined
  private readonly eventsPerMessage: number
  /** The unpartitioned names, which the partitioned ones derive from. */
  private readonly sharedNames: JetStreamNames
  private readonly partitioner: EventPartitioner | undefined
  private readonly partitioned: PartitionedNames | undefined
  private presence: PresenceHeartbeat | undefined

  constructor(private readonly options: NatsIngressOptions) {
    const eventsPerMessage = (this.eventsPerMessage = options.eventsPerMessage ?? 1)
    if (!Number.isInteger(eventsPerMessage) || eventsPerMessage < 1)
      throw new ConfigError(
        `eventsPerMessage must be a whole number of at least 1 (1: one JetStream message per event); got ${eventsPerMessage}.`,
      )
    const names = (this.sharedNames = jetStreamNames({ ...options, namespace: options.namespace ?? options.appId }))
    const partitions = resolvePartitions(options.partitions)
    if (partitions > 0) {
      // The same key function as the pipeline's lines: the ingress's own `pipeline.order`.
      this.partitioner = new EventPartitioner(partitions, options.pipeline?.order)
      const partitioned = (this.partitioned = partitionedNames(names))
      this.names = { ...names, stream: partitioned.stream, subject: partitioned.subjects }
    } else this.names = names
  }

  /** Creates the stream if needed, and checks that the workers use the same partition layout. */
  async prepare(): Promise<void> {
    await ensureStream(this.options.nats, this.names, this.options)
    const layout: JetStreamLayout = {
      nats: this.options.nats,
      names: this.sharedNames,
      partitions: this.partitioner?.partitions ?? 0,
      role: 'ingress',
      logger: this.logger,
    }
    await checkJetStreamLayout(layout)
    this.presence = ingressPresence(layout, randomUUID())
    await this.presence.start()
  }

  /** Takes this ingress off the list of running ingresses. */
  async close(): Promise<void> {
    await this.presence?.stop()
  }

  async publish(event: DispatchedEvent): Promise<void> {
    // Named: the copies of a message under two names are both stored (a worker may handle only one of them).
    const msgID = namedDedupeKey(event.name, event.id, event.data)
    const pubAcks = (this.pubAcks ??= new PubAckWindow(this.options.nats))
    try {
      if (this.eventsPerMessage === 1) await pubAcks.publish(this.subjectOf(event), encodeEvent(event), { msgID })
      else
        await (this.batches ??= new EventBatches(
          pubAcks,
          this.eventsPerMessage,
          this.options.nats.info?.max_payload,
        )).publish(this.subjectOf(event), encodeEvent(event), msgID)
    } catch (error) {
      // No stream answers when it was deleted (or the server lost it): create it again before the retry.
      await ensureStream(this.options.nats, this.names, this.options).catch(() => undefined)
      throw error
    }
  }

  /** With partitions, the subject of the event's order-key partition. */
  private subjectOf(event: DispatchedEvent): string {
    if (!this.partitioner || !this.partitioned) return this.names.subject
    return this.partitioned.subject(this.partitioner.partitionOf(event))
  }
}

/**
 * The gateway (or webhook) side of an ingress/worker split over NATS JetStream: holds the platform
 * connections, validates each event and publishes it to the stream (see {@link BrokerIngress}: a shard's
 * stored seq moves on only after JetStream acknowledged the publish, so a crashed ingress loses nothing).
 */
export class NatsIngress extends BrokerIngress {
  readonly names: JetStreamNames

  constructor(options: NatsIngressOptions) {
    const publisher = new SubjectPublisher(options)
    super(options, publisher)
    publisher.logger = this.client.logger
    this.names = publisher.names
  }
}

/** Starts nothing yet: `await createNatsIngress(options).start()`. */
export function createNatsIngress(options: NatsIngressOptions): NatsIngress {
  return new NatsIngress(options)
}
