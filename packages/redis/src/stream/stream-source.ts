import {
  BrokerWorker,
  resolveBrokerWorkerOptions,
  resolvePartitions,
  type BrokerWorkerOptions,
  type EventSink,
  type WorkerBroker,
} from '@qqbot/core/adapter'
import { checkStreamLayout } from './layout-check.js'
import { PartitionedStreamBroker, type PartitionEntry } from './partitioned-stream-broker.js'
import type { PartitionLeaseOptions } from './partition-leases.js'
import { RedisStreamBroker, type StreamBrokerOptions } from './stream-broker.js'
import { DEFAULT_GROUP } from './stream-options.js'

export interface RedisStreamSourceOptions extends StreamBrokerOptions, BrokerWorkerOptions, PartitionLeaseOptions {}

/**
 * The worker side of an ingress/worker split over a Redis stream: reads events as one consumer of the
 * workers' group and feeds them to the bot's pipeline, so the same controllers run as in a single process.
 * The delivery guarantees are the broker-worker engine's ({@link BrokerWorker}); entries of a worker that died
 * are taken over by another after `claimIdleMs` (XAUTOCLAIM). With `partitions` (the same as the ingress's),
 * the worker reads only the partitions it holds a lease of, so one key's events are handled by one worker at a
 * time, in order (see docs/scaling.md).
 * ```ts
 * const bot = createBot({ appId, secret, controllers, source: new RedisStreamSource({ redis, namespace: appId }) })
 * ```
 */
export class RedisStreamSource extends BrokerWorker<string | PartitionEntry, string> {
  /** The stream key read (with partitions: the base key, each partition being `<stream>:<n>`). */
  readonly stream: string
  private readonly partitioned: PartitionedStreamBroker | undefined
  private readonly options: RedisStreamSourceOptions

  constructor(options: RedisStreamSourceOptions) {
    const settings = resolveBrokerWorkerOptions(options)
    const partitions = resolvePartitions(options.partitions)
    const partitioned = partitions > 0 ? new PartitionedStreamBroker(options, settings, partitions) : undefined
    const broker: WorkerBroker<string | PartitionEntry, string> =
      partitioned ?? new RedisStreamBroker(options, settings)
    super('redis-stream', broker, settings)
    this.stream = partitioned?.stream ?? (broker as RedisStreamBroker).stream
    this.partitioned = partitioned
    this.options = options
  }

  /** The partitions this worker holds a lease of now; empty without partitions. */
  get partitions(): number[] {
    return this.partitioned?.leases.partitions ?? []
  }

  override async start(sink: EventSink): Promise<void> {
    await checkStreamLayout({
      redis: this.options.redis,
      stream: this.stream,
      group: this.options.group ?? DEFAULT_GROUP,
      namespace: this.options.namespace,
      prefix: this.options.prefix,
      partitions: this.partitioned?.partitions ?? 0,
      role: 'worker',
      logger: this.log,
    })
    return super.start(sink)
  }
}
