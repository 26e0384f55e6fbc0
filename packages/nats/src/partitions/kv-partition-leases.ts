import { Kvm, type KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Logger } from '@qqbot/core'
import { sleep, type PartitionOwner } from '@qqbot/core/adapter'

export interface KvPartitionLeaseOptions {
  /**
   * A partition's lease lives this long without renewal (the bucket's TTL): a dead worker's partitions move to
   * the others after about this plus one renew interval. Default 6 s.
   */
  leaseTtlMs?: number
  /** How often leases are renewed and partitions rebalanced. Default a quarter of the TTL. */
  renewIntervalMs?: number
}

export interface KvPartitionLeasesOptions extends KvPartitionLeaseOptions {
  nats: NatsConnection
  /** The key-value bucket of the leases and the member list. */
  bucket: string
  workerName: string
}

/** A partition this worker holds: the revision of its lease key is its fencing number. */
interface Lease {
  revision: number
  /** Being handed back (drained, then released): not handed back twice. */
  leaving: boolean
  /** The renewal under way: a release waits for it, or it would name a revision that is no longer the last. */
  renewing: Promise<void> | undefined
}

const DEFAULT_LEASE_TTL_MS = 6_000

/**
 * Partition leases in a NATS key-value bucket whose TTL is the lease TTL: `lease.<n>` holds the owner's name and
 * is taken with `create` (only if absent) and renewed with `update` at the revision this worker wrote last, so
 * the revision, which only grows, is the lease's fencing number; a lease not renewed for one TTL ages out. Live
 * workers put `member.<name>` every round. Shares, one partition handed back per round after draining, and the
 * taking of free partitions follow the Redis shard coordinator's rules (docs/scaling.md).
 */
export class KvPartitionLeases {
  private kv: KV | undefined
  private readonly held = new Map<number, Lease>()
  private readonly ttlMs: number
  private readonly renewIntervalMs: number
  private partitionCount = 0
  private owner: PartitionOwner | undefined
  private logger: Logger | undefined
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private handingBack: Promise<void> | undefined
  private leaving = false

  constructor(private readonly options: KvPartitionLeasesOptions) {
    this.ttlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS
    this.renewIntervalMs = options.renewIntervalMs ?? Math.floor(this.ttlMs / 4)
    if (this.renewIntervalMs * 2 > this.ttlMs)
      throw new TypeError(
        `renewIntervalMs (${this.renewIntervalMs}) must be at most half of leaseTtlMs (${this.ttlMs}), or leases lapse between renewals.`,
      )
  }

  /** The partitions this worker holds now. */
  get partitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b)
  }

  /** Joins the workers; resolves once this worker holds its first share (after one round of settling). */
  async join(partitions: number, logger: Logger, owner: PartitionOwner): Promise<void> {
    this.partitionCount = partitions
    this.owner = owner
    this.logger = logger.child({ component: 'partition-leases' })
    this.kv = await new Kvm(this.options.nats).create(this.options.bucket, { ttl: this.ttlMs, history: 1 })
    await this.heartbeat()
    await sleep(this.renewIntervalMs) // workers started together see each other before taking shares
    await this.round()
    this.schedule()
  }

  /** Releases every lease; call once what was read is acknowledged. */
  async leave(): Promise<void> {
    this.leaving = true
    clearTimeout(this.timer)
    await this.ticking
    await this.handingBack
    const kv = this.kv
    if (!kv) return
    await Promise.allSettled(
      [...this.held].map(([partition, lease]) => kv.delete(leaseKey(partition), { previousSeq: lease.revision })),
    )
    this.held.clear()
    await kv.delete(memberKey(this.options.workerName)).catch(() => undefined)
  }

  /** Whether the server still has `partition`'s lease as this worker's (not only this worker's memory of it). */
  async holds(partition: number): Promise<boolean> {
    const entry = await this.kv!.get(leaseKey(partition))
    return entry?.operation === 'PUT' && entry.string() === this.options.workerName
  }

  /** Whether `worker` is a live member (its heartbeat has not aged out). */
  async isLive(worker: string): Promise<boolean> {
    const entry = await this.kv!.get(memberKey(worker))
    return entry?.operation === 'PUT'
  }

  private schedule(): void {
    if (this.leaving) return
    this.timer = setTimeout(() => {
      this.ticking = this.round().catch((error: unknown) =>
        this.logger!.error({ err: error }, 'partition lease round failed; retrying next round'),
      )
      void this.ticking.finally(() => this.schedule())
    }, this.renewIntervalMs)
  }

  private heartbeat(): Promise<number> {
    return this.kv!.put(memberKey(this.options.workerName), this.options.workerName)
  }

  /** Heartbeat, renew, then hand one partition back or take free ones toward the fair share. */
  private async round(): Promise<void> {
    await this.heartbeat()
    await this.renewAll()
    if (this.leaving) return
    const share = await this.share()
    const owned = [...this.held.values()].filter((lease) => !lease.leaving).length
    if (owned > share) this.handingBack ??= this.handBackOne().finally(() => (this.handingBack = undefined))
    else if (owned < share) await this.take(share - owned)
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held].map(async ([partition, lease]) => {
        const renewing = this.kv!.update(leaseKey(partition), this.options.workerName, lease.revision)
        lease.renewing = renewing.then(
          () => undefined,
          () => undefined,
        )
        try {
          lease.revision = await renewing
        } catch (error) {
          if (this.held.get(partition) !== lease) return
          // Someone else's now (it aged out while this worker stalled, and was taken): stop reading it here.
          this.held.delete(partition)
          this.logger!.warn({ err: error, partition }, 'lost the lease of a partition; no longer reading it')
          await this.owner!.lost(partition, false)
        }
      }),
    )
  }

  /** This worker's part: the partitions divided evenly, the remainder to the first workers by name. */
  private async share(): Promise<number> {
    // A set: keys() reads the last entry per key with a consumer that also delivers entries put while it reads,
    // so a member that heartbeats meanwhile comes twice, and counted twice it would shrink every share (a
    // partition handed back for nothing, its conversations waiting for the drain).
    const members = new Set<string>()
    for await (const key of await this.kv!.keys('member.>')) members.add(key)
    const sorted = [...members].sort()
    const live = Math.max(1, sorted.length)
    const rank = Math.max(0, sorted.indexOf(memberKey(this.options.workerName)))
    return Math.floor(this.partitionCount / live) + (rank < this.partitionCount % live ? 1 : 0)
  }

  private async handBackOne(): Promise<void> {
    const [partition, lease] =
      [...this.held].filter(([, candidate]) => !candidate.leaving).sort(([a], [b]) => b - a)[0] ?? []
    if (partition === undefined || !lease) return
    lease.leaving = true
    this.logger!.info({ partition }, 'handing a partition back for rebalancing')
    try {
      await this.owner!.lost(partition, true)
    } finally {
      if (this.held.get(partition) === lease) {
        this.held.delete(partition)
        await lease.renewing
        await this.kv!.delete(leaseKey(partition), { previousSeq: lease.revision }).catch((error: unknown) =>
          this.logger!.warn(
            { err: error, partition },
            'could not release a partition handed back; it moves once its lease lapses',
          ),
        )
      }
    }
  }

  private async take(count: number): Promise<void> {
    const offset = Math.floor(Math.random() * this.partitionCount)
    let taken = 0
    for (let i = 0; i < this.partitionCount && taken < count && !this.leaving; i++) {
      const partition = (i + offset) % this.partitionCount
      if (this.held.has(partition)) continue
      const entry = await this.kv!.get(leaseKey(partition))
      if (entry?.operation === 'PUT') continue
      let revision: number
      try {
        revision = await this.kv!.create(leaseKey(partition), this.options.workerName)
      } catch {
        continue // another worker was quicker
      }
      this.held.set(partition, { revision, leaving: false, renewing: undefined })
      taken++
      this.logger!.info({ partition, fence: revision }, 'took a partition')
      this.owner!.gained(partition)
    }
  }
}

function leaseKey(partition: number): string {
  return `lease.${partition}`
}

/** Worker names hold `:`, which keys may not: base64url keeps them apart and sortable alike. */
function memberKey(worker: string): string {
  return `member.${Buffer.from(worker).toString('base64url')}`
}
