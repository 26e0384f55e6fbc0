import type { BrokerDelivery } from '@qqbot/core/adapter'
import { partitionStreamKey } from './stream-options.js'

type DeliveryId = BrokerDelivery<unknown>['id']

/** A partition this worker holds the lease of. */
export interface HeldPartition {
  readonly partition: number
  readonly stream: string
  /** Reading it: false once it is being handed back or was lost. */
  reading: boolean
  /** Just taken: the entries pending in the group (a dead owner's) are claimed before new ones are read. */
  inheriting: boolean
  inheritCursor: string
  /** Deliveries handed to the engine and not finished (acknowledged, skipped or given back). */
  readonly outstanding: Set<DeliveryId>
}

/**
 * The partitions one worker holds, with what it is reading of each and the deliveries of each it has not
 * finished: what a handback waits on before the lease goes. Knows every partition's stream key.
 */
export class HeldPartitions {
  private readonly held = new Map<number, HeldPartition>()
  private readonly partitionOfStream = new Map<string, number>()

  constructor(baseStream: string, partitions: number) {
    for (let partition = 0; partition < partitions; partition++)
      this.partitionOfStream.set(partitionStreamKey(baseStream, partition), partition)
  }

  /** Every partition's stream, held or not. */
  allStreams(): Iterable<string> {
    return this.partitionOfStream.keys()
  }

  /** The held partition a stream key belongs to; `undefined` when it is not (or no longer) held here. */
  byStream(stream: string): HeldPartition | undefined {
    const partition = this.partitionOfStream.get(stream)
    return partition === undefined ? undefined : this.held.get(partition)
  }

  get(partition: number): HeldPartition | undefined {
    return this.held.get(partition)
  }

  values(): Iterable<HeldPartition> {
    return this.held.values()
  }

  /** The streams to read new entries from: held, still read, and done with what the previous owner left. */
  readable(): string[] {
    return [...this.held.values()].filter((held) => held.reading && !held.inheriting).map((held) => held.stream)
  }

  /** Just taken: its leftovers are claimed first, then new entries read. */
  gain(partition: number, stream: string): void {
    this.held.set(partition, {
      partition,
      stream,
      reading: true,
      inheriting: true,
      inheritCursor: '0-0',
      outstanding: new Set(),
    })
  }

  /** Forgets `held`, unless the partition was taken again meanwhile. */
  release(held: HeldPartition): void {
    if (this.held.get(held.partition) === held) this.held.delete(held.partition)
  }

  stopReading(): void {
    for (const held of this.held.values()) held.reading = false
  }

  /** A delivery of `partition` handed to the engine. */
  track(partition: number, deliveryId: DeliveryId): void {
    this.held.get(partition)?.outstanding.add(deliveryId)
  }

  /** A delivery of `partition` finished (acknowledged, skipped or given back). */
  finish(partition: number, deliveryId: DeliveryId): void {
    this.held.get(partition)?.outstanding.delete(deliveryId)
  }
}
