import { duplicateConnection, type RedisConnection } from './connection.js'
import { ShardRevokedError, type Logger } from '@qqbot/core'
import { sleep } from '@qqbot/core/adapter'
import { uniqueProcessName, type ShardControl, type ShardCoordinator } from '@qqbot/core/adapter'
import { ShardCountMismatchError } from './errors.js'
import { formatFence } from './fence.js'
import { RedisKeys } from './keys.js'
import { LeaseKeeper, type ShardRun } from './lease-keeper.js'
import { whenReady } from './redis-ready.js'
import { guardRun } from './shard-guard.js'
import { withScripts, type ScriptedRedis } from './scripts.js'

export interface RedisShardCoordinatorOptions {
  /**
   * A connection to use as a template (a Redis, through Sentinel or not, or a Cluster): the coordinator opens
   * its own (fail-fast, no offline queue) from it.
   */
  redis: RedisConnection
  /** Usually the AppID: keeps several bots apart in one Redis. */
  namespace: string
  /** Key prefix, default `qqbot`. */
  prefix?: string
  /** This process's name in the group. Default `<hostname>:<pid>:<random>`. */
  memberId?: string
  /**
   * How long a lease lives without renewal. A dead process's shards resume elsewhere within about the TTL plus
   * one renew interval (≤ 8 s with the defaults); a live process whose event loop stalls longer than the TTL
   * minus one renew interval (4.5 s with the defaults) may lose its shards to another (fenced: nothing is
   * lost, the shards move). Default 6 s. See docs/scaling.md, "Choosing the lease TTL".
   */
  leaseTtlMs?: number
  /** How often leases are renewed, dead processes noticed and the share rebalanced. Default a quarter of the TTL (1.5 s). */
  renewIntervalMs?: number
  /** Wait this long after joining before taking shards, so processes started together see each other. Default one renew interval. */
  settleMs?: number
  /** Where the coordinator logs. Default the client's logger (its level and redaction), handed over at join. */
  logger?: Logger
}

/** 6 s: with renewals every 1.5 s, a killed owner's shards resume elsewhere within about 8 s. */
const DEFAULT_LEASE_TTL_MS = 6_000
/** How long join() waits for the first connection to Redis before it fails with RedisUnavailableError. */
const JOIN_TIMEOUT_MS = 15_000

/**
 * Shares a bot's shards among processes through Redis leases. Each shard is run by the process holding its
 * lease (SET NX PX, renewed every quarter of the TTL, with a fencing token, see fence.ts); its session lives in
 * Redis, so a process that takes a shard over RESUMEs it. Every process aims at its share of the shards (live
 * processes sorted by name: the first `shards % processes` run one more than the rest): an owner above its
 * share hands one shard per round back (a joining process picks it up), one below takes free ones, so shards
 * move one at a time instead of all at once.
 *
 * Fencing: session writes go through only while the lease is ours; a process that was paused past its
 * lease holds incoming events and re-checks before handling any; a shard reconnects only after Redis
 * confirms the lease ({@link LeaseKeeper}). If Redis cannot be reached, owners keep running their shards
 * (nobody can take a lease meanwhile) and say so in the log. After Redis returns, or when it turns out to have
 * lost its data, nobody takes new shards for one TTL, so the owners re-assert theirs first.
 */
export class RedisShardCoordinator implements ShardCoordinator {
  readonly memberId: string
  private readonly keys: RedisKeys
  private readonly ttlMs: number
  private readonly renewIntervalMs: number
  /** The logger handed over at join (the client's unless the options name one). */
  private logger!: Logger
  private redis: (RedisConnection & ScriptedRedis) | undefined
  private leases: LeaseKeeper | undefined
  private control: ShardControl | undefined
  private shardCount = 0
  private timer: NodeJS.Timeout | undefined
  private ticking: Promise<void> | undefined
  private leaving = false
  private redisDown = false
  private noAcquireUntil = 0
  private liveMembers = 1
  private heartbeats = 0
  private handingBack: Promise<void> | undefined
  private rank = 0

  constructor(private readonly options: RedisShardCoordinatorOptions) {
    if (typeof options.namespace !== 'string' || options.namespace === '')
      throw new TypeError('RedisShardCoordinator needs a namespace (usually the AppID).')
    this.keys = new RedisKeys(options.namespace, options.prefix)
    this.memberId = options.memberId ?? uniqueProcessName()
    this.ttlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS
    this.renewIntervalMs = options.renewIntervalMs ?? Math.floor(this.ttlMs / 4)
    if (this.renewIntervalMs * 2 > this.ttlMs)
      throw new TypeError(
        `renewIntervalMs (${this.renewIntervalMs}) must be at most half of leaseTtlMs (${this.ttlMs}), or leases lapse between renewals.`,
      )
  }

  /** The shards this process holds a lease for now. */
  get shards(): number[] {
    return [...(this.leases?.runs.keys() ?? [])].sort((a, b) => a - b)
  }

  /** Live processes seen at the last round. */
  get members(): number {
    return this.liveMembers
  }

  async join(shardCount: number, control: ShardControl): Promise<void> {
    this.shardCount = shardCount
    this.control = control
    this.logger = (this.options.logger ?? control.runtime.logger).child({
      component: 'shard-coordinator',
      member: this.memberId,
    })
    control.runtime.metrics.gauge('shards_owned', () => this.leases?.runs.size ?? 0)
    const redis = (this.redis = withScripts(
      duplicateConnection(this.options.redis, {
        enableOfflineQueue: false,
        commandTimeout: this.renewIntervalMs,
        maxRetriesPerRequest: 0,
      }),
    ))
    redis.on('error', () => undefined) // connection errors surface as failed commands, handled per round
    this.leases = new LeaseKeeper({
      redis,
      keys: this.keys,
      memberId: this.memberId,
      ttlMs: this.ttlMs,
      logger: this.logger,
      stop: (shardId, drain) => control.stop(shardId, { handoff: true, drain }),
      onRedisError: (error) => this.onRedisError(error),
    })
    await whenReady(redis, JOIN_TIMEOUT_MS)
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
    const leases = this.leases
    if (!redis || !leases) return
    // The gateway stopped our shards already (sessions saved under the lease); now let others have them.
    await Promise.allSettled([...leases.runs.values()].map((run) => leases.release(run)))
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
    try {
      await this.heartbeat()
      // Gone with the rest of Redis' data: store it again, so a process started with another count still fails.
      if ((await redis.pexpire(this.keys.shardCount(), this.ttlMs * 3)) === 0)
        await redis.set(this.keys.shardCount(), String(this.shardCount), 'PX', this.ttlMs * 3, 'NX')
    } catch (error) {
      this.onRedisError(error)
      return []
    }
    this.onRedisBack()
    await this.leases!.renewAll()
    if (this.leaving) return []
    const share = this.share()
    const owned = this.leases!.runs.size
    if (owned > share) {
      // Not awaited: stopping a shard waits for its handlers, and renewals must go on meanwhile.
      this.handingBack ??= this.handBackOne(share)
        .catch((error: unknown) => this.logger.error({ err: error }, 'handing a shard back failed'))
        .finally(() => (this.handingBack = undefined))
      return []
    }
    if (owned < share && Date.now() >= this.noAcquireUntil) return this.take(share - owned)
    return []
  }

  private async heartbeat(): Promise<void> {
    const [present, live] = await this.redis!.qqbotHeartbeat(this.keys.members(), this.memberId, this.ttlMs)
    this.liveMembers = Math.max(1, live.length)
    this.rank = Math.max(0, [...live].sort().indexOf(this.memberId))
    if (present === 0 && this.heartbeats > 0)
      this.holdAcquisitions(
        'this process was missing from the member list (Redis lost its data, or this process was paused or cut off longer than a lease)',
      )
    this.heartbeats++
  }

  /** This process's part: the shards divided evenly, the remainder to the first processes by name. */
  private share(): number {
    const base = Math.floor(this.shardCount / this.liveMembers)
    return base + (this.rank < this.shardCount % this.liveMembers ? 1 : 0)
  }

  private onRedisError(error: unknown): void {
    if (!this.redisDown)
      this.logger.error(
        { err: error },
        'Redis is unreachable; keeping the shards this process runs and retrying every round',
      )
    this.redisDown = true
    this.leases?.unansweredAll(error)
  }

  private onRedisBack(): void {
    if (!this.redisDown) return
    this.redisDown = false
    this.holdAcquisitions('Redis is reachable again')
  }

  /** Gives every owner one TTL to re-assert its shards before anyone takes free ones. */
  private holdAcquisitions(why: string): void {
    this.noAcquireUntil = Date.now() + this.ttlMs
    this.logger.info(`${why}; re-asserting leases before taking new shards`)
  }

  /** Runs above its share: stop one shard (its session is saved under our lease), then release it. */
  private async handBackOne(share: number): Promise<void> {
    const leases = this.leases!
    const run = [...leases.runs.values()]
      .filter((candidate) => !candidate.starting)
      .sort((a, b) => b.shardId - a.shardId)[0]
    if (!run) return
    this.logger.info({ shard: run.shardId, owned: leases.runs.size, share }, 'handing a shard back for rebalancing')
    await this.control!.stop(run.shardId, { handoff: true })
    await this.keepUntilStored(run)
    await leases.release(run)
  }

  /**
   * The next owner RESUMEs from the session in Redis, so a shard handed back keeps its lease (renewed, or
   * re-asserted should Redis lose it) until Redis holds the session it stored last: a write that failed during
   * an outage is retried every round. Without that, the next owner would identify anew and the events this
   * process had not read would be lost.
   */
  private async keepUntilStored(run: ShardRun): Promise<void> {
    const sessions = run.sessions
    let warned = false
    while (sessions && !this.leaving && this.leases!.current(run)) {
      const state = await sessions.sessionState()
      if (state === 'stored' || state === 'none') return
      if (!warned)
        this.logger.warn(
          { shard: run.shardId },
          'Redis does not hold the session of a shard being handed back (unreachable, or it lost its data): keeping the lease until the session is stored, so the next owner can RESUME',
        )
      warned = true
      await sessions.rewrite().catch(() => undefined)
      await sleep(this.renewIntervalMs)
    }
  }

  /** Takes up to `count` free shards (looked up in one round trip) and starts them. */
  private async take(count: number): Promise<Promise<void>[]> {
    const redis = this.redis!
    const leases = this.leases!
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
    const free = ids
      .map((_, i) => (i + offset) % this.shardCount)
      .filter((id) => holders[id] === null && !leases.runs.has(id))
    const starts: Promise<void>[] = []
    for (const shardId of free) {
      if (starts.length >= count || this.leaving) break
      let run: ShardRun | undefined
      try {
        run = await leases.acquire(shardId)
      } catch (error) {
        this.onRedisError(error)
        break
      }
      if (!run) continue
      this.logger.info({ shard: shardId, fence: formatFence(run.fence) }, 'took a shard')
      starts.push(this.start(run))
    }
    return starts
  }

  private async start(run: ShardRun): Promise<void> {
    const leases = this.leases!
    const guard = guardRun(leases, run, {
      redis: this.redis!,
      namespace: this.options.namespace,
      prefix: this.options.prefix,
      logger: this.logger,
    })
    try {
      await this.control!.start(run.shardId, guard)
    } catch (error) {
      if (error instanceof ShardRevokedError || !leases.current(run)) return
      // It cannot run (fatal close, bad credentials): the gateway reported it; let the lease go.
      this.logger.error({ err: error, shard: run.shardId }, 'could not start a shard; releasing it')
      await leases.release(run)
    } finally {
      run.starting = false
    }
  }

  private async checkShardCount(): Promise<void> {
    const redis = this.redis!
    await redis.set(this.keys.shardCount(), String(this.shardCount), 'PX', this.ttlMs * 3, 'NX')
    const stored = Number(await redis.get(this.keys.shardCount()))
    if (stored !== this.shardCount) throw new ShardCountMismatchError(this.options.namespace, stored, this.shardCount)
  }
}
