import type { RedisConnection } from '../connection.js'
import {
  BrokerIngress,
  EventPartitioner,
  resolvePartitions,
  type BrokerIngressOptions,
  type IngressPublisher,
  type PresenceHeartbeat,
} from '@qqbot/core/adapter'
import type { DispatchedEvent, QQBotClient } from '@qqbot/core'
import { withScripts } from '../scripts.js'
import { randomUUID } from 'node:crypto'
import { checkStreamLayout, ingressPresence, type StreamLayout } from './layout-check.js'
import { STREAM_LOST } from './lost-groups.js'
import { CommandBatch } from './command-batch.js'
import { encodeEvent } from './stream-codec.js'
import { DEFAULT_GROUP, ensureGroup, partitionStreamKey, streamKey, type StreamOptions } from './stream-options.js'

export interface RedisIngressOptions extends BrokerIngressOptions, StreamOptions {
  redis: RedisConnection
  /** Keeps several bots apart in one Redis; default the AppID. */
  namespace?: string
  /** Key prefix, default `qqbot`. */
  prefix?: string
  /**
   * Retention: the stream is trimmed to about this many entries (XADD MAXLEN ~). Entries beyond it are
   * dropped even if no worker read them, so size it for the longest worker outage you want to survive.
   * Default 100,000.
   */
  maxLength?: number
}

/** An event on its way to its stream. */
interface PendingEntry {
  stream: string
  fields: string[]
}

/**
 * Appends each event to the stream (XADD MAXLEN ~), the events published meanwhile in one script call, after creating the workers' group. Should Redis lose the
 * stream (restarted without persistence, flushed), the append creates it again with the group, so what arrives
 * from then on waits for the workers even while none is running. With partitions, each event goes to the stream
 * of the partition of its order key.
 */
class StreamPublisher implements IngressPublisher {
  readonly target = 'the Redis stream'
  readonly stream: string
  /** Where the publisher logs and counts, once the ingress's client exists. */
  client: QQBotClient | undefined
  private readonly group: string
  private readonly maxLength: number
  private readonly partitioner: EventPartitioner | undefined
  /** Each partition's stream key, by partition. */
  private readonly partitionStreams: string[]
  private readonly appends = new CommandBatch<PendingEntry, void>((entries) => this.append(entries))
  private presence: PresenceHeartbeat | undefined

  constructor(private readonly options: RedisIngressOptions) {
    this.stream = streamKey(options.namespace ?? options.appId, options, options.prefix)
    this.group = options.group ?? DEFAULT_GROUP
    this.maxLength = options.maxLength ?? 100_000
    const partitions = resolvePartitions(options.partitions)
    // The same key function as the pipeline's lines: the ingress's own `pipeline.order`.
    if (partitions > 0) this.partitioner = new EventPartitioner(partitions, options.pipeline?.order)
    this.partitionStreams = Array.from({ length: partitions }, (_, partition) =>
      partitionStreamKey(this.stream, partition),
    )
  }

  /** Creates the workers' group (of every partition) if needed, so nothing published from now on is missed. */
  async prepare(): Promise<void> {
    const partitions = this.partitioner?.partitions ?? 0
    if (partitions === 0) await ensureGroup(this.options.redis, this.stream, this.group)
    for (const stream of this.partitionStreams) await ensureGroup(this.options.redis, stream, this.group)
    const layout: StreamLayout = {
      redis: this.options.redis,
      stream: this.stream,
      group: this.group,
      namespace: this.options.namespace ?? this.options.appId,
      prefix: this.options.prefix,
      partitions,
      role: 'ingress',
      logger: this.client?.logger,
    }
    await checkStreamLayout(layout)
    this.presence = ingressPresence(layout, randomUUID())
    await this.presence.start()
  }

  /** Takes this ingress off the list of running ingresses. */
  async close(): Promise<void> {
    await this.presence?.stop()
  }

  async publish(event: DispatchedEvent): Promise<void> {
    const stream = this.partitioner ? this.partitionStreams[this.partitioner.partitionOf(event)]! : this.stream
    await this.appends.add({ stream, fields: encodeEvent(event) })
  }

  /** One script call for the events published meanwhile (see {@link CommandBatch}), in the order published. */
  private async append(entries: PendingEntry[]): Promise<void[]> {
    const streams = [...new Set(entries.map(({ stream }) => stream))]
    const index = new Map(streams.map((stream, i) => [stream, i + 1]))
    // Pushed one by one: a flatMap with spreads costs about as much as the rest of the call (a batch has
    // thousands of arguments).
    const keysAndArgs: (string | number)[] = [...streams, this.group, this.maxLength]
    for (const { stream, fields } of entries) {
      keysAndArgs.push(index.get(stream)!, fields.length)
      for (const field of fields) keysAndArgs.push(field)
    }
    const created = await withScripts(this.options.redis).qqbotStreamAppendBatch(streams.length, ...keysAndArgs)
    streams.forEach((stream, i) => created[i] === 1 && this.streamRecreated(stream))
    return entries.map(() => undefined)
  }

  private streamRecreated(stream: string): void {
    if (!this.client) return
    this.client.metricsRegistry.inc(STREAM_LOST)
    this.client.logger.warn(
      { stream, group: this.group },
      'the stream vanished from Redis (restarted without persistence, or flushed): created it again with the consumer group, so the workers read every event from now on; entries no worker had read yet are lost with the old stream. Run Redis with appendonly yes (appendfsync everysec) so that a restart keeps the stream',
    )
  }
}

/**
 * The gateway (or webhook) side of an ingress/worker split over a Redis stream: holds the platform
 * connections, validates each event, and appends it to the stream (see {@link BrokerIngress}: a shard's
 * stored seq moves on only after Redis acknowledged the append, and while Redis is unreachable events wait).
 */
export class RedisIngress extends BrokerIngress {
  /** The stream key events are appended to (with partitions: `<stream>:<partition>`). */
  readonly stream: string

  constructor(options: RedisIngressOptions) {
    const publisher = new StreamPublisher(options)
    super(options, publisher)
    publisher.client = this.client
    this.stream = publisher.stream
  }
}

/** Starts nothing yet: `await createRedisIngress(options).start()`. */
export function createRedisIngress(options: RedisIngressOptions): RedisIngress {
  return new RedisIngress(options)
}
