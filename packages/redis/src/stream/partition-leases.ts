import type { RedisConnection } from '../connection.js'
import type { PartitionOwner, ShardControl, SourceRuntime } from '@qqbot/core/adapter'
import { PartitionCountMismatchError, ShardCountMismatchError } from '../errors.js'
import { RedisKeys } from '../keys.js'
import { RedisShardCoordinator } from '../redis-shard-coordinator.js'

/** How long a worker's hold on its partitions lasts without renewal. */
export interface PartitionLeaseOptions {
  /**
   * A partition's lease lives this long without renewal: a dead worker's partitions move to the others after
   * about this plus one renew interval; a live worker stalled longer than this minus one renew interval loses
   * them. Default 6 s (the shard leases' default, see docs/scaling.md).
   */
  leaseTtlMs?: number
  /** How often leases are renewed and partitions rebalanced. Default a quarter of the TTL. */
  renewIntervalMs?: number
}

export interface PartitionLeasesOptions extends PartitionLeaseOptions {
  redis: RedisConnection
  namespace: string
  prefix?: string
  /** The worker's name: its consumer name in the groups, and its name in the claims of events. */
  workerName: string
}

/**
 * Shares a bot's stream partitions among its workers with the shard coordinator's machinery: one lease per
 * partition with a fencing number, a member list, fair shares (partitions divided evenly among live workers),
 * one partition moved per round, and a dead worker's partitions taken over once its leases lapsed. Its keys
 * live apart from the gateway shards' (`<prefix>:<namespace>:partitions:…`).
 */
export class PartitionLeases {
  private readonly coordinator: RedisShardCoordinator
  private readonly keys: RedisKeys
  private readonly owned = new Set<number>()

  constructor(private readonly options: PartitionLeasesOptions) {
    const namespace = `${options.namespace}:partitions`
    this.keys = new RedisKeys(namespace, options.prefix)
    this.coordinator = new RedisShardCoordinator({
      redis: options.redis,
      namespace,
      prefix: options.prefix,
      memberId: options.workerName,
      leaseTtlMs: options.leaseTtlMs,
      renewIntervalMs: options.renewIntervalMs,
    })
  }

  /** The partitions this worker holds now. */
  get partitions(): number[] {
    return this.coordinator.shards
  }

  /** Joins the workers that read `partitions` partitions; resolves once this worker holds its first share. */
  async join(partitions: number, runtime: SourceRuntime, owner: PartitionOwner): Promise<void> {
    const control: ShardControl = {
      runtime,
      start: async (partition) => {
        this.owned.add(partition)
        owner.gained(partition)
      },
      stop: async (partition, options) => {
        this.owned.delete(partition)
        await owner.lost(partition, options?.drain !== false)
      },
      running: () => [...this.owned],
    }
    try {
      await this.coordinator.join(partitions, control)
    } catch (error) {
      if (error instanceof ShardCountMismatchError)
        throw new PartitionCountMismatchError(this.options.namespace, error.stored, error.wanted, { cause: error })
      throw error
    }
  }

  /** Releases every lease; call once what was read is acknowledged. */
  leave(): Promise<void> {
    return this.coordinator.leave()
  }

  /** Whether `worker` is a live member (its heartbeat has not lapsed), by Redis' clock. */
  async isLive(worker: string): Promise<boolean> {
    const replies = await this.options.redis.multi().zscore(this.keys.members(), worker).time().exec()
    const [[, score], [, time]] = replies as [[Error | null, string | null], [Error | null, [string, string]]]
    if (score === null) return false
    const now = Number(time[0]) * 1_000 + Math.floor(Number(time[1]) / 1_000)
    return Number(score) > now
  }
}
