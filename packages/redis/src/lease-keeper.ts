import type { RedisConnection } from './connection.js'
import type { Logger } from '@qqbot/core'
import { continuity, formatFence, parseFence, proposeEpoch, type Fence } from './fence.js'
import type { RedisKeys } from './keys.js'
import type { FencedSessionStore } from './redis-session-store.js'
import type { ScriptedRedis } from './scripts.js'

/** What a lease check found: still ours, another process's now, or Redis did not answer. */
export type Verdict = 'held' | 'lost' | 'unknown'

/** One run of a shard in this process, under the lease taken for it. */
export interface ShardRun {
  readonly shardId: number
  /** The fence of our lease; its value in Redis is `<member>:<epoch>.<counter>` ({@link LeaseKeeper.leaseValue}). */
  fence: Fence
  /** Local deadline: surely ours before this (measured from before the request that set it). */
  validUntil: number
  /** Redis could not be asked and the deadline passed: running on without a fence (logged). */
  unfenced: boolean
  /**
   * Since the last renewal, Redis failed to answer while the lease was still valid: the lease was ours in
   * Redis until Redis went away, so nobody can have taken it in between.
   */
  unreachableWhileValid: boolean
  /** Still connecting (`control.start` has not resolved). */
  starting: boolean
  /** Lost to another process that cannot be replayed its events: finishing what it received, then stopped. */
  draining: boolean
  /** The lease check under way, shared by everyone who asks meanwhile. */
  checking: Promise<Verdict> | undefined
  /** The run's fenced session store, set by its guard. */
  sessions: FencedSessionStore | undefined
}

export interface LeaseKeeperOptions {
  redis: RedisConnection & ScriptedRedis
  keys: RedisKeys
  memberId: string
  ttlMs: number
  logger: Logger
  /** Stops the shard here; `drain` finishes the events it received first. */
  stop(shardId: number, drain: boolean): Promise<void>
  /** Redis did not answer a whole round (the coordinator keeps track of outages). */
  onRedisError(error: unknown): void
}

/** Logged once per episode (at most once per TTL) when Redis turns out to have lost this bot's keys. */
const DATA_LOSS_WARNING =
  "Redis lost this bot's keys (restarted without persistence, flushed, or failed over to an empty replica): re-asserting the leases of the shards this process runs and writing their sessions again. Run Redis with appendonly yes so that a restart keeps them."

/**
 * The leases of the shards this process runs: takes them, renews them, and decides what a lease that is no
 * longer ours means. A lease taken by another process stops the shard here. A lease that is merely gone is
 * taken again, and the run goes on, when its fence shows that nobody held the shard in between: the next
 * number of the same epoch (it lapsed while this process was away), or a new epoch starting at 1 while this
 * run's lease was still valid (Redis lost its data: the lease vanished rather than changed hands).
 */
export class LeaseKeeper {
  /** The runs of this process by shard. */
  readonly runs = new Map<number, ShardRun>()
  private highestEpoch = 0
  private dataLossWarnedAt = Number.NEGATIVE_INFINITY

  constructor(private readonly options: LeaseKeeperOptions) {}

  /** Takes the lease of a free shard: the new run, or undefined when another process holds it. Throws when Redis fails. */
  async acquire(shardId: number): Promise<ShardRun | undefined> {
    const startedAt = Date.now()
    const fence = await this.take(shardId)
    if (!fence) return undefined
    const run: ShardRun = {
      shardId,
      fence,
      validUntil: this.deadline(startedAt),
      unfenced: false,
      unreachableWhileValid: false,
      starting: true,
      draining: false,
      checking: undefined,
      sessions: undefined,
    }
    this.runs.set(shardId, run)
    return run
  }

  /** Gives a run's lease back (handed back, or the process leaves); never throws. */
  async release(run: ShardRun): Promise<void> {
    if (this.current(run)) this.runs.delete(run.shardId)
    await this.options.redis
      .qqbotRelease(this.options.keys.lease(run.shardId), this.leaseValue(run))
      .catch((error: unknown) => this.options.onRedisError(error))
  }

  /** True while `run` is this process's run of its shard. */
  current(run: ShardRun): boolean {
    return this.runs.get(run.shardId) === run
  }

  /** What the run's lease holds in Redis. */
  leaseValue(run: ShardRun): string {
    return `${this.options.memberId}:${formatFence(run.fence)}`
  }

  /** Renews every lease in one round trip; a lease that is not ours any more is settled (taken again, or lost). */
  async renewAll(): Promise<void> {
    const runs = [...this.runs.values()]
    if (runs.length === 0) return
    const startedAt = Date.now()
    const pipeline = this.options.redis.pipeline()
    for (const run of runs)
      (pipeline as unknown as ScriptedRedis).qqbotRenew(
        this.options.keys.lease(run.shardId),
        this.leaseValue(run),
        this.options.ttlMs,
      )
    let results: [Error | null, unknown][] | null
    try {
      results = await pipeline.exec()
    } catch (error) {
      this.options.onRedisError(error)
      return
    }
    await Promise.all(
      runs.map(async (run, index) => {
        const [error, renewed] = results?.[index] ?? [new Error('no reply'), 0]
        if (error) return this.unanswered(run, error)
        if (renewed === 1) return this.extend(run, startedAt)
        // A check already under way (an event past the deadline, a refused session write) settles it.
        if (run.checking === undefined && this.current(run)) await this.shared(run, () => this.settle(run, startedAt))
      }),
    )
  }

  /** Confirms one run's lease now (before a reconnect, for events past the deadline, after a refused write). */
  confirm(run: ShardRun): Promise<Verdict> {
    if (!this.current(run)) return Promise.resolve(run.draining ? 'held' : 'lost')
    return this.shared(run, () => this.check(run))
  }

  /** Redis did not answer: every run whose deadline passed goes on unfenced (see {@link unanswered}). */
  unansweredAll(error: unknown): void {
    for (const run of this.runs.values()) this.unanswered(run, error)
  }

  private shared(run: ShardRun, check: () => Promise<Verdict>): Promise<Verdict> {
    run.checking ??= check().finally(() => (run.checking = undefined))
    return run.checking
  }

  private async check(run: ShardRun): Promise<Verdict> {
    const startedAt = Date.now()
    let renewed: number
    try {
      renewed = await this.options.redis.qqbotRenew(
        this.options.keys.lease(run.shardId),
        this.leaseValue(run),
        this.options.ttlMs,
      )
    } catch (error) {
      this.unanswered(run, error)
      return 'unknown'
    }
    if (renewed !== 1) return this.settle(run, startedAt)
    this.extend(run, startedAt)
    return 'held'
  }

  /** The lease is not ours as it was: take it again if this run may go on, else the shard is lost here. */
  private async settle(run: ShardRun, startedAt: number): Promise<Verdict> {
    // Before asking: was the lease surely still ours in Redis until it went missing?
    const wasValid = startedAt < run.validUntil || run.unreachableWhileValid
    let fence: Fence | undefined
    try {
      fence = await this.take(run.shardId)
    } catch (error) {
      this.unanswered(run, error)
      return 'unknown'
    }
    if (fence === undefined) return this.heldByAnother(run)
    const previous = run.fence
    const relation = continuity(previous, fence)
    if (this.current(run) && (relation === 'next' || (relation === 'counter-lost' && wasValid))) {
      run.fence = fence
      this.extend(run, startedAt)
      const { logger } = this.options
      if (relation === 'next')
        logger.warn(
          { shard: run.shardId, fence: formatFence(fence) },
          'the lease had lapsed but nobody took the shard; took it again',
        )
      else this.warnDataLoss(run, previous, fence)
      // The session may be gone with the lease (Redis lost it), and writes were refused meanwhile: store it again.
      void run.sessions
        ?.rewrite()
        .catch((error: unknown) =>
          logger.error({ err: error, shard: run.shardId }, 'could not write the session again'),
        )
      return 'held'
    }
    // Stale: another process held the shard in between (its session and seq are newer than ours), or Redis lost
    // the lease at a time this run could not be sure of it. Give the fresh lease back; the shard starts anew from Redis.
    await this.options.redis
      .qqbotRelease(this.options.keys.lease(run.shardId), `${this.options.memberId}:${formatFence(fence)}`)
      .catch((error: unknown) => this.options.onRedisError(error))
    const reason =
      relation === 'held-between' || relation === 'counter-lost-held-since'
        ? 'the lease lapsed and another process ran the shard meanwhile'
        : 'Redis lost the lease after it had lapsed here, so another process may have run the shard meanwhile'
    return this.lose(run, reason, { previous: formatFence(previous), fence: formatFence(fence) })
  }

  /** Someone holds the lease: ours (a check of a moment ago took it again), or another process's. */
  private async heldByAnother(run: ShardRun): Promise<Verdict> {
    let holder: string | null
    try {
      holder = await this.options.redis.get(this.options.keys.lease(run.shardId))
    } catch (error) {
      // Not knowing is not losing: stopping a shard we may still own would be an outage of our own making.
      this.unanswered(run, error)
      return 'unknown'
    }
    if (holder === this.leaseValue(run)) return 'held'
    // It lapsed between the two questions: ask again at the next check.
    if (holder === null) return 'unknown'
    return this.lose(run, 'another process holds the lease now', { holder })
  }

  /**
   * Stops the shard here. Its next owner RESUMEs the session this run stored and is replayed whatever this run
   * had not finished, so those events are dropped here ('lost'). When Redis no longer holds this run's session
   * (it lost it, or the next owner identified anew), nobody else will get them: this run finishes what it
   * received first, and the events it asks about are still its own ('held').
   */
  private async lose(run: ShardRun, reason: string, context: Record<string, unknown>): Promise<Verdict> {
    const session = await run.sessions?.sessionState()
    if (!this.current(run)) return run.draining ? 'held' : 'lost'
    this.runs.delete(run.shardId)
    const { logger } = this.options
    if (session === 'missing') {
      run.draining = true
      logger.warn(
        { shard: run.shardId, ...context },
        `${reason}; Redis no longer holds this run's session, so its next owner cannot be replayed what this process received: finishing those events, then stopping the shard here`,
      )
      void this.options.stop(run.shardId, true)
      return 'held'
    }
    logger.warn(
      { shard: run.shardId, ...context },
      `${reason}; stopping the shard here (its next owner RESUMEs the session and is replayed what was not finished)`,
    )
    void this.options.stop(run.shardId, false)
    return 'lost'
  }

  private async take(shardId: number): Promise<Fence | undefined> {
    const { redis, keys, memberId, ttlMs } = this.options
    const reply = await redis.qqbotAcquire(
      keys.lease(shardId),
      keys.fence(shardId),
      memberId,
      ttlMs,
      proposeEpoch(this.highestEpoch),
    )
    if (reply === null) return undefined
    const fence = parseFence(reply)
    this.highestEpoch = Math.max(this.highestEpoch, fence.epoch)
    return fence
  }

  private deadline(startedAt: number): number {
    // The TTL runs in Redis from when it got the command, which is after `startedAt`: a safe local deadline.
    return startedAt + Math.floor(this.options.ttlMs * 0.9)
  }

  private extend(run: ShardRun, startedAt: number): void {
    run.validUntil = this.deadline(startedAt)
    run.unreachableWhileValid = false
    if (run.unfenced)
      this.options.logger.info({ shard: run.shardId }, 'Redis answers again; the shard is fenced by its lease again')
    run.unfenced = false
  }

  /** Redis did not answer about `run`: before the deadline the lease is still ours; after it, run on unfenced. */
  private unanswered(run: ShardRun, error: unknown): void {
    if (Date.now() < run.validUntil) {
      run.unreachableWhileValid = true
      return
    }
    if (run.unfenced) return
    run.unfenced = true
    this.options.logger.warn(
      { shard: run.shardId, err: error },
      'Redis is unreachable and the lease ran out: running the shard on without a fence until Redis answers (no other process can take it meanwhile)',
    )
  }

  private warnDataLoss(run: ShardRun, previous: Fence, fence: Fence): void {
    const now = Date.now()
    if (now - this.dataLossWarnedAt > this.options.ttlMs) this.options.logger.warn(DATA_LOSS_WARNING)
    this.dataLossWarnedAt = now
    this.options.logger.info(
      { shard: run.shardId, previous: formatFence(previous), fence: formatFence(fence) },
      'Redis had lost the lease; re-asserted it and writing the session again',
    )
  }
}
