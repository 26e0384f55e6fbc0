import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { createLogger, ShardRevokedError, sleep, type Logger, type ShardControl, type ShardCoordinator, type ShardGuard } from '@qqbot/core'
import { RedisUnavailableError, ShardCountMismatchError } from './errors.js'
import { FencedSink } from './fenced-sink.js'
import { RedisKeys } from './keys.js'
import { FencedSessionStore } from './redis-session-store.js'
import { withScripts, type ScriptedRedis } from './scripts.js'

export interface RedisShardCoordinatorOptions {
  /** A connection to use as a template: the coordinator opens its own (fail-fast, no offline queue) from it. */
  redis: Redis
  /** Usually the AppID: keeps several bots apart in one Redis. */
  namespace: string
  /** Key prefix, default `qqbot`. */
  prefix?: string
  /** This process's name in the group. Default `<hostname>:<pid>:<random>`. */
  memberId?: string
  /** How long a lease lives without renewal: a dead process's shards move after this. Default 15 s. */
  leaseTtlMs?: number
  /** How often leases are renewed and the share rebalanced. Default a third of the TTL. */
  renewIntervalMs?: number
  /** Wait this long after joining before taking shards, so processes started together see each other. Default one renew interval. */
  settleMs?: number
  logger?: Logger
}

type Verdict = 'held' | 'lost' | 'unknown'

interface OwnedShard {
  shardId: number
  /** The fencing number of our lease; its value in Redis is `<member>:<fence>` ({@link leaseValue}). */
  fence: number
  /** Local deadline: surely ours before this (measured from before the request that set it). */
  validUntil: number
  /** Redis could not be asked and the deadline passed: running on without a fence (logged). */
  unfenced: boolean
  starting: boolean
}

/**
 * Shares a bot's shards among processes through Redis leases. Each shard is run by the process holding its
 * lease (SET NX PX, renewed every third of the TTL, with a fencing number); its session lives in Redis, so a
 * process that takes a shard over RESUMEs it. Every process aims at its share of the shards (live processes
 * sorted by name: the first `shards % processes` run one more than the rest): an owner above its share hands
 * one shard per round back (a joining process picks it up), one below takes free ones, so shards move one at
 * a time instead of all at once.
 *
 * Fencing: session writes go through only while the lease is ours; a process that was paused past its
 * lease holds incoming events and re-checks before handling any; a shard reconnects only after Redis
 * confirms the lease. If Redis cannot be reached, owners keep running their shards (nobody can take a
 * lease meanwhile) and say so in the log; after Redis returns, nobody takes new shards for one TTL, so the
 * previous owners re-assert theirs first.
 */
export class RedisShardCoordinator implements ShardCoordinator {
  readonly memberId: string
  private readonly keys: RedisKeys
  private readonly ttlMs: number
  private readonly renewIntervalMs: number
  private readonly logger: Logger
  private readonly owned = new Map<number, OwnedShard>()
  private redis: (Redis & ScriptedRedis) | undefined
  private control: ShardControl | undefined
  private shardCount = 0
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private leaving = false
  private redisDown = false
  private noAcquireUntil = 0
  private liveMembers = 1
  private handingBack: Promise<void> | undefined
  private rank = 0

  constructor(private readonly options: RedisShardCoordinatorOptions) {
    if (typeof options.namespace !== 'string' || options.namespace === '') throw new TypeError('RedisShardCoordinator needs a namespace (usually the AppID).')
    this.keys = new RedisKeys(options.namespace, options.prefix)
    this.memberId = options.memberId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.ttlMs = options.leaseTtlMs ?? 15_000
    this.renewIntervalMs = options.renewIntervalMs ?? Math.floor(this.ttlMs / 3)
    if (this.renewIntervalMs * 2 > this.ttlMs) throw new TypeError(`renewIntervalMs (${this.renewIntervalMs}) must be at most half of leaseTtlMs (${this.ttlMs}), or leases lapse between renewals.`)
    this.logger = (options.logger ?? createLogger({ level: 'info' })).child({ component: 'shard-coordinator', member: this.memberId })
  }

  /** The shards this process holds a lease for now. */
  get shards(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b)
  }

  /** Live processes seen at the last round. */
  get members(): number {
    return this.liveMembers
  }

  async join(shardCount: number, control: ShardControl): Promise<void> {
    this.shardCount = shardCount
    this.control = control
    control.runtime.metrics.gauge('shards_owned', () => this.owned.size)
    this.redis = withScripts(this.options.redis.duplicate({ enableOfflineQueue: false, commandTimeout: this.renewIntervalMs, maxRetriesPerRequest: 0 }))
    this.redis.on('error', () => undefined) // connection errors surface as failed commands, handled per round
    await this.waitForRedis()
    await this.checkShardCount()
    await this.heartbeat()
    await sleep(this.options.settleMs ?? this.renewIntervalMs)
    const started = await this.round()
    this.schedule()
    await Promise.allSettled(started)
    this.logger.info({ shards: this.shards, of: shardCount, members: this.liveMembers }, 'joined the shard group')
  }

  async leave(): Promise<void> {
    this.leaving = true
    clearTimeout(this.timer)
    await this.ticking
    await this.handingBack
    const redis = this.redis
    if (!redis) return
    // The gateway stopped our shards already (sessions saved under the lease); now let others have them.
    await Promise.allSettled([...this.owned.values()].map((shard) => redis.qqbotRelease(this.keys.lease(shard.shardId), this.leaseValue(shard))))
    this.owned.clear()
    await redis.zrem(this.keys.members(), this.memberId).catch(() => undefined)
    await redis.quit().catch(() => redis.disconnect())
    this.logger.info('left the shard group')
  }

  private schedule(): void {
    if (this.leaving) return
    this.timer = setTimeout(() => {
      this.ticking = this.round().then(
        () => undefined,
        (error: unknown) => this.logger.error({ err: error }, 'shard coordination round failed'),
      )
      void this.ticking.finally(() => this.schedule())
    }, this.renewIntervalMs)
  }

  /** One round: heartbeat, renew, then hand back or take shards toward the fair share. Returns the starts it began. */
  private async round(): Promise<Promise<void>[]> {
    const redis = this.redis!
    const startedAt = Date.now()
    try {
      await this.heartbeat()
      await redis.pexpire(this.keys.shardCount(), this.ttlMs * 3)
    } catch (error) {
      this.onRedisError(error)
      return []
    }
    this.onRedisBack()
    await this.renewAll(startedAt)
    if (this.leaving) return []
    const share = this.share()
    if (this.owned.size > share) {
      // Not awaited: stopping a shard waits for its handlers, and renewals must go on meanwhile.
      this.handingBack ??= this.handBackOne(share)
        .catch((error: unknown) => this.logger.error({ err: error }, 'handing a shard back failed'))
        .finally(() => (this.handingBack = undefined))
      return []
    }
    if (this.owned.size < share && Date.now() >= this.noAcquireUntil) return this.take(share - this.owned.size)
    return []
  }

  private async heartbeat(): Promise<void> {
    const live = await this.redis!.qqbotHeartbeat(this.keys.members(), this.memberId, this.ttlMs)
    this.liveMembers = Math.max(1, live.length)
    this.rank = Math.max(0, [...live].sort().indexOf(this.memberId))
  }

  /** This process's part: the shards divided evenly, the remainder to the first processes by name. */
  private share(): number {
    const base = Math.floor(this.shardCount / this.liveMembers)
    return base + (this.rank < this.shardCount % this.liveMembers ? 1 : 0)
  }

  private async renewAll(startedAt: number): Promise<void> {
    const shards = [...this.owned.values()]
    if (shards.length === 0) return
    const pipeline = this.redis!.pipeline()
    for (const shard of shards) (pipeline as unknown as ScriptedRedis).qqbotRenew(this.keys.lease(shard.shardId), this.leaseValue(shard), this.ttlMs)
    let results: [Error | null, unknown][] | null
    try {
      results = await pipeline.exec()
    } catch (error) {
      this.onRedisError(error)
      return
    }
    await Promise.all(
      shards.map(async (shard, index) => {
        const [error, renewed] = results?.[index] ?? [new Error('no reply'), 0]
        if (error) return this.runOnUnfenced(shard, error)
        if (renewed === 1) return this.extend(shard, startedAt)
        if ((await this.reacquire(shard, startedAt)) === 'lost') await this.lose(shard.shardId)
      }),
    )
  }

  /** Confirms one shard's lease now (before a reconnect, or when its events arrive after the deadline). */
  private async confirm(shardId: number): Promise<Verdict> {
    const shard = this.owned.get(shardId)
    if (!shard) return 'lost'
    const startedAt = Date.now()
    let renewed: number
    try {
      renewed = await this.redis!.qqbotRenew(this.keys.lease(shardId), this.leaseValue(shard), this.ttlMs)
    } catch (error) {
      this.runOnUnfenced(shard, error)
      return 'unknown'
    }
    if (renewed === 1) {
      this.extend(shard, startedAt)
      return 'held'
    }
    const verdict = await this.reacquire(shard, startedAt)
    if (verdict === 'lost') void this.lose(shardId)
    return verdict
  }

  /** The lease is gone or changed: take it again if nobody holds it (it lapsed while we were away), else it is lost. */
  private async reacquire(shard: OwnedShard, startedAt: number): Promise<Verdict> {
    let fence: number | null
    try {
      fence = await this.redis!.qqbotAcquire(this.keys.lease(shard.shardId), this.keys.fence(shard.shardId), this.memberId, this.ttlMs)
    } catch (error) {
      this.runOnUnfenced(shard, error)
      return 'unknown'
    }
    if (fence === null) {
      // Someone holds it; that may be us, taken again a moment ago by a concurrent check of this shard.
      let holder: string | null
      try {
        holder = await this.redis!.get(this.keys.lease(shard.shardId))
      } catch (error) {
        // Not knowing is not losing: stopping a shard we may still own would be an outage of our own making.
        this.runOnUnfenced(shard, error)
        return 'unknown'
      }
      return holder === this.leaseValue(shard) ? 'held' : 'lost'
    }
    if (fence !== shard.fence + 1) {
      // Another process held the shard in between (and let it go): its session and seq are newer than ours.
      // This run of the shard is stale; give the fresh lease back so the shard starts anew from Redis.
      this.logger.warn({ shard: shard.shardId, fence, previous: shard.fence }, 'the lease lapsed and another process ran the shard meanwhile; stopping it here')
      await this.redis!.qqbotRelease(this.keys.lease(shard.shardId), `${this.memberId}:${fence}`).catch((error: unknown) => this.onRedisError(error))
      return 'lost'
    }
    shard.fence = fence
    this.extend(shard, startedAt)
    this.logger.warn({ shard: shard.shardId, fence }, 'the lease had lapsed but nobody took the shard; took it again')
    return 'held'
  }

  /** What our lease on `shard` holds in Redis. */
  private leaseValue(shard: OwnedShard): string {
    return `${this.memberId}:${shard.fence}`
  }

  private extend(shard: OwnedShard, startedAt: number): void {
    // The TTL runs in Redis from when it got the command, which is after `startedAt`: a safe local deadline.
    shard.validUntil = startedAt + Math.floor(this.ttlMs * 0.9)
    if (shard.unfenced) this.logger.info({ shard: shard.shardId }, 'Redis answers again; the shard is fenced by its lease again')
    shard.unfenced = false
  }

  private runOnUnfenced(shard: OwnedShard, error: unknown): void {
    if (shard.unfenced || Date.now() < shard.validUntil) return
    shard.unfenced = true
    this.logger.warn(
      { shard: shard.shardId, err: error },
      'Redis is unreachable and the lease ran out: running the shard on without a fence until Redis answers (no other process can take it meanwhile)',
    )
  }

  private onRedisError(error: unknown): void {
    if (!this.redisDown) this.logger.error({ err: error }, 'Redis is unreachable; keeping the shards this process runs and retrying every round')
    this.redisDown = true
    for (const shard of this.owned.values()) this.runOnUnfenced(shard, error)
  }

  private onRedisBack(): void {
    if (!this.redisDown) return
    this.redisDown = false
    // Give every previous owner one TTL to re-assert its shards before anyone takes free ones.
    this.noAcquireUntil = Date.now() + this.ttlMs
    this.logger.info('Redis is reachable again; re-asserting leases before taking new shards')
  }

  /** Runs above its share: stop one shard (its session is saved under our lease), then release it. */
  private async handBackOne(share: number): Promise<void> {
    const shard = [...this.owned.values()].filter((candidate) => !candidate.starting).sort((a, b) => b.shardId - a.shardId)[0]
    if (!shard) return
    this.logger.info({ shard: shard.shardId, owned: this.owned.size, share }, 'handing a shard back for rebalancing')
    await this.control!.stop(shard.shardId, { handoff: true })
    this.owned.delete(shard.shardId)
    await this.redis!.qqbotRelease(this.keys.lease(shard.shardId), this.leaseValue(shard)).catch((error: unknown) => this.onRedisError(error))
  }

  /** Takes up to `count` free shards (looked up in one round trip) and starts them. */
  private async take(count: number): Promise<Promise<void>[]> {
    const redis = this.redis!
    const ids = Array.from({ length: this.shardCount }, (_, i) => i)
    let holders: (string | null)[]
    try {
      holders = await redis.mget(ids.map((id) => this.keys.lease(id)))
    } catch (error) {
      this.onRedisError(error)
      return []
    }
    // Start the scan at a random place, so processes that take at once rarely race for the same shard.
    const offset = Math.floor(Math.random() * this.shardCount)
    const free = ids.map((_, i) => (i + offset) % this.shardCount).filter((id) => holders[id] === null && !this.owned.has(id))
    const starts: Promise<void>[] = []
    for (const shardId of free) {
      if (starts.length >= count || this.leaving) break
      const startedAt = Date.now()
      let fence: number | null
      try {
        fence = await redis.qqbotAcquire(this.keys.lease(shardId), this.keys.fence(shardId), this.memberId, this.ttlMs)
      } catch (error) {
        this.onRedisError(error)
        break
      }
      if (fence === null) continue
      const shard: OwnedShard = { shardId, fence, validUntil: startedAt + Math.floor(this.ttlMs * 0.9), unfenced: false, starting: true }
      this.owned.set(shardId, shard)
      this.logger.info({ shard: shardId, fence }, 'took a shard')
      starts.push(this.start(shard))
    }
    return starts
  }

  private async start(shard: OwnedShard): Promise<void> {
    try {
      await this.control!.start(shard.shardId, this.guard(shard))
    } catch (error) {
      if (error instanceof ShardRevokedError || this.owned.get(shard.shardId) !== shard) return
      // It cannot run (fatal close, bad credentials): the gateway reported it; let the lease go.
      this.logger.error({ err: error, shard: shard.shardId }, 'could not start a shard; releasing it')
      this.owned.delete(shard.shardId)
      await this.redis!.qqbotRelease(this.keys.lease(shard.shardId), this.leaseValue(shard)).catch(() => undefined)
    } finally {
      shard.starting = false
    }
  }

  /**
   * Fences one run of a shard: its lease as taken for this run. If the shard is later lost and taken again,
   * late writes and events of this run are refused even though the shard number is ours again.
   */
  private guard(run: OwnedShard): ShardGuard {
    const { shardId } = run
    const current = () => (this.owned.get(shardId) === run ? run : undefined)
    return {
      admit: async () => current() !== undefined && (await this.confirm(shardId)) !== 'lost',
      sessions: new FencedSessionStore(
        this.redis!,
        this.options.namespace,
        this.options.prefix,
        shardId,
        () => {
          const shard = current()
          return shard ? this.leaseValue(shard) : ''
        },
        () => this.logger.warn({ shard: shardId }, 'refused a session write: this process no longer owns the shard'),
      ),
      sink: (inner) =>
        new FencedSink(
          inner,
          {
            isValid: () => {
              const shard = current()
              return shard !== undefined && (shard.unfenced || Date.now() < shard.validUntil)
            },
            confirm: async () => (current() === undefined ? 'lost' : this.confirm(shardId)),
          },
          () => {
            if (current() !== undefined) void this.lose(shardId)
          },
        ),
    }
  }

  /** Another process owns the shard now: stop it here at once, without waiting for handlers or saving. */
  private async lose(shardId: number): Promise<void> {
    if (!this.owned.delete(shardId)) return
    this.logger.warn({ shard: shardId }, 'another process owns this shard now; stopping it here')
    await this.control?.stop(shardId, { handoff: true, drain: false })
  }

  private async waitForRedis(): Promise<void> {
    const redis = this.redis!
    if (redis.status === 'ready') return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup()
        reject(new RedisUnavailableError(`no connection after ${this.ttlMs} ms (status ${redis.status})`))
      }, this.ttlMs)
      const onReady = () => {
        cleanup()
        resolve()
      }
      const cleanup = () => {
        clearTimeout(timer)
        redis.off('ready', onReady)
      }
      redis.on('ready', onReady)
    })
  }

  private async checkShardCount(): Promise<void> {
    const redis = this.redis!
    await redis.set(this.keys.shardCount(), String(this.shardCount), 'PX', this.ttlMs * 3, 'NX')
    const stored = Number(await redis.get(this.keys.shardCount()))
    if (stored !== this.shardCount) throw new ShardCountMismatchError(this.options.namespace, stored, this.shardCount)
  }
}
