import { ConfigError } from '../errors/qqbot-error.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { orderKeyFunction, type EventOrder, type OrderKeyFunction } from '../pipeline/order-key.js'
import { hashString } from '../util/mix-hash.js'

/**
 * 16 partitions: enough to spread the keys evenly over up to 16 workers (a partition is read by one worker at a
 * time, so the count caps how many workers share the load), few enough that each worker reads all of its
 * partitions in one blocking call and a rebalance, one partition at a time, settles within seconds.
 */
export const DEFAULT_PARTITIONS = 16

/** Most partitions allowed: every worker reads all of its partitions in one call, and each has a lease. */
export const MAX_PARTITIONS = 1_024

/**
 * `partitions` as a broker adapter takes it: unset or `true` for {@link DEFAULT_PARTITIONS}, a count, or `false`
 * (one shared stream, no order across workers). Returns the count, 0 for none; a ConfigError names a bad value.
 */
export function resolvePartitions(option: number | boolean | undefined): number {
  if (option === false) return 0
  if (option === undefined || option === true) return DEFAULT_PARTITIONS
  if (!Number.isInteger(option) || option < 1 || option > MAX_PARTITIONS)
    throw new ConfigError(
      `partitions must be true (${DEFAULT_PARTITIONS}, the default), false (none) or a whole number from 1 to ${MAX_PARTITIONS}; got ${JSON.stringify(option)}. Use the same count on the ingress and every worker.`,
    )
  return option
}

/**
 * FNV-1a over the key's UTF-16 code units, then murmur3's final mix (FNV's low bits alone spread keys like
 * `c2c:<id>:<id>` over only half of 16 partitions): the same partition for a key in every process and release.
 */
export function partitionOfKey(key: string, partitions: number): number {
  return (hashString(key) >>> 0) % partitions
}

/**
 * Picks each event's partition on the ingress: the partition of its order key (the key `pipeline.order` gives
 * it, which only needs the event as the platform sent it), so every event of one key goes to the worker that
 * owns that partition and is handled there in line. Events without a key wait for nobody: they are spread
 * over the partitions in turn.
 */
export class EventPartitioner {
  private readonly keyOf: OrderKeyFunction | undefined
  private next = 0

  constructor(
    readonly partitions: number,
    order: EventOrder | undefined,
  ) {
    this.keyOf = orderKeyFunction(order)
  }

  partitionOf(event: DispatchedEvent): number {
    const key = this.keyOf?.(event)
    if (key !== undefined) return partitionOfKey(key, this.partitions)
    this.next = (this.next + 1) % this.partitions
    return this.next
  }
}

/** What a broker adapter's partition leases tell the worker that reads the partitions. */
export interface PartitionOwner {
  /** The lease of `partition` is this worker's now. */
  gained(partition: number): void
  /**
   * Stop reading `partition`. With `drain` (a handoff), resolve once what was read of it is handled and
   * acknowledged: its lease is released only then, so the next owner reads on where this one stopped.
   */
  lost(partition: number, drain: boolean): Promise<void>
}
