import {
  BrokerWorker,
  resolveBrokerWorkerOptions,
  resolvePartitions,
  type BrokerWorkerOptions,
  type EventSink,
  type WorkerBroker,
} from '@qqbot/core/adapter'
import type { EventMessage } from './event-message.js'
import { JetStreamBroker, type Claim, type JetStreamBrokerOptions } from './jetstream-broker.js'
import { jetStreamNames, type JetStreamNames } from './names.js'
import type { KvPartitionLeaseOptions } from './partitions/kv-partition-leases.js'
import { checkJetStreamLayout } from './partitions/layout-check.js'
import { PartitionedJetStreamBroker } from './partitions/partitioned-jetstream-broker.js'
import type { PartitionMessage } from './partitions/partition-puller.js'

export interface NatsStreamSourceOptions extends JetStreamBrokerOptions, BrokerWorkerOptions, KvPartitionLeaseOptions {
  /**
   * Pull only from the partitions this worker holds a lease of (the same count as the ingress's `partitions`):
   * one key's events reach one worker at a time, in order. Default (and `true`): 16; `false`: the one shared
   * consumer.
   */
  partitions?: number | boolean
}

/**
 * The worker side of an ingress/worker split over NATS JetStream: pulls events from the stream's durable
 * consumer (shared by every worker) and feeds them to the bot's pipeline, so the same controllers run as in
 * a single process. The delivery guarantees are the broker-worker engine's ({@link BrokerWorker}); `blockMs`
 * is at least 1 s (JetStream's shortest pull), and `claimIdleMs` is the consumer's `ack_wait`.
 * ```ts
 * const bot = createBot({ appId, secret, controllers, source: new NatsStreamSource({ nats, namespace: appId }) })
 * ```
 */
export class NatsStreamSource extends BrokerWorker<EventMessage | PartitionMessage, Claim> {
  readonly names: JetStreamNames
  private readonly partitioned: PartitionedJetStreamBroker | undefined
  private readonly options: NatsStreamSourceOptions

  constructor(options: NatsStreamSourceOptions) {
    const settings = resolveBrokerWorkerOptions(options)
    const partitions = resolvePartitions(options.partitions)
    const partitioned = partitions > 0 ? new PartitionedJetStreamBroker(options, settings, partitions) : undefined
    const unpartitioned = partitioned ? undefined : new JetStreamBroker(options, settings)
    const broker: WorkerBroker<EventMessage | PartitionMessage, Claim> = partitioned ?? unpartitioned!
    super('jetstream', broker, settings)
    this.names = unpartitioned?.names ?? {
      ...jetStreamNames(options),
      stream: partitioned!.names.stream,
      subject: partitioned!.names.subjects,
    }
    this.partitioned = partitioned
    this.options = options
  }

  /** The partitions this worker holds a lease of now; empty without partitions. */
  get partitions(): number[] {
    return this.partitioned?.leases.partitions ?? []
  }

  override async start(sink: EventSink): Promise<void> {
    await checkJetStreamLayout({
      nats: this.options.nats,
      names: jetStreamNames(this.options),
      partitions: this.partitioned?.partitions ?? 0,
      role: 'worker',
      logger: this.log,
    })
    return super.start(sink)
  }
}
