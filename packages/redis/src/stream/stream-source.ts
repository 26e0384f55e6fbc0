import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import {
  eventDedupeKey,
  sleep,
  HeldEvents,
  PullGate,
  type EventSink,
  type EventSource,
  type Logger,
  type Metrics,
  type SourceRuntime,
} from '@qqbot/core'
import { RedisKeys } from '../keys.js'
import { withScripts } from '../scripts.js'
import { deliveryCounts, readGroupState } from './group-state.js'
import { decodeEvent, type StreamFields } from './stream-codec.js'
import { DEFAULT_GROUP, ensureGroup, streamKey, type StreamOptions } from './stream-options.js'

export interface RedisStreamSourceOptions extends StreamOptions {
  redis: Redis
  /** The same namespace as the ingress (default there: the AppID). */
  namespace: string
  prefix?: string
  /** This worker's name in the group. Default `<hostname>:<pid>:<random>`. */
  consumer?: string
  /** Entries read per round trip. Default 64. */
  batchSize?: number
  /** How long one read waits for new entries. Default 1 s (also how long stop() may wait for it). */
  blockMs?: number
  /**
   * An entry whose worker stopped answering for this long is taken over by another worker. A live worker
   * renews what it holds (queued or being handled) every third of this, however long its handlers take, so
   * only a dead, paused or cut-off worker loses its entries. Default 30 s.
   */
  claimIdleMs?: number
  /** How long a handled event's key is remembered, so a second copy is skipped. Default 24 h. */
  dedupeTtlMs?: number
  /** How long stop() keeps renewing the entries still being handled before it lets them go. Default 30 s. */
  stopDrainMs?: number
}

const DONE = 'done'

/**
 * The worker side of an ingress/worker split: reads events from a Redis stream as one consumer of a group
 * and feeds them to the bot's pipeline, so the same controllers run as in a single process.
 *
 * Delivery: an entry is acknowledged (XACK) only after its handler finished. Entries of a worker that died
 * are taken over by another after `claimIdleMs` (XAUTOCLAIM). Each event has a key (its message or event
 * id): a worker claims it before handling and marks it done with the ACK, so a second copy (an ingress
 * replaying after a takeover, a reclaimed entry) is skipped. A handler that ran but died before its ACK
 * runs again elsewhere; its reply then carries the same msg_id and msg_seq, which the platform refuses
 * as a duplicate, so the user still sees one reply.
 */
export class RedisStreamSource implements EventSource {
  readonly kind = 'redis-stream'
  readonly consumer: string
  private readonly stream: string
  private readonly group: string
  private readonly keys: RedisKeys
  private reader: Redis | undefined
  private sink: EventSink | undefined
  private running = false
  private gate: PullGate | undefined
  private loops: Promise<void>[] = []
  /** Entries handed to the pipeline and not acknowledged yet → their claim key. */
  private readonly holding = new HeldEvents<string, string | undefined>()
  private lag = 0
  private groupPending = 0
  /** Redis failed a read or a renewal: no worker could renew its entries meanwhile (see claimLoop). */
  private unanswered = false
  private noReclaimUntil = 0
  /** Aborted when stop() begins: reading ends. */
  private readonly readingStopped = new AbortController()
  /** Aborted when the held entries are finished (or stopDrainMs passed): renewing ends. */
  private readonly stopped = new AbortController()
  private logger: Logger | undefined
  private metrics: Metrics | undefined

  constructor(private readonly options: RedisStreamSourceOptions) {
    this.consumer = options.consumer ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.stream = streamKey(options.namespace, options, options.prefix)
    this.group = options.group ?? DEFAULT_GROUP
    this.keys = new RedisKeys(options.namespace, options.prefix)
  }

  bind(runtime: SourceRuntime): void {
    this.logger = runtime.logger.child({ component: 'redis-stream', consumer: this.consumer })
    this.metrics = runtime.metrics
    runtime.metrics.gauge('broker_pending', () => this.holding.size)
    runtime.metrics.gauge('broker_lag', () => this.lag)
    runtime.metrics.gauge('broker_group_pending', () => this.groupPending)
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink
    this.gate = new PullGate(sink)
    await ensureGroup(this.options.redis, this.stream, this.group)
    // Blocking reads get a connection of their own; acknowledgements use the shared one.
    this.reader = this.options.redis.duplicate()
    this.running = true
    this.loops = [this.readLoop(), this.claimLoop()]
    this.logger?.info({ stream: this.stream, group: this.group }, 'reading events from the stream')
  }

  /**
   * Stops reading and reclaiming. Entries already handed to the pipeline stay this worker's (renewed) while
   * they finish, up to `stopDrainMs`, and stop() returns once they are acknowledged.
   */
  async stop(): Promise<void> {
    this.running = false
    this.readingStopped.abort()
    this.gate?.release()
    await this.loops[0]
    await this.holding.settle(this.options.stopDrainMs ?? 30_000)
    this.stopped.abort()
    await Promise.allSettled(this.loops)
    this.reader?.disconnect()
  }

  private async readLoop(): Promise<void> {
    while (this.running) {
      await this.gate!.ready()
      if (!this.running) break
      try {
        const reply = (await this.reader!.xreadgroup(
          'GROUP',
          this.group,
          this.consumer,
          'COUNT',
          this.options.batchSize ?? 64,
          'BLOCK',
          this.options.blockMs ?? 1_000,
          'STREAMS',
          this.stream,
          '>',
        )) as [string, [string, StreamFields][]][] | null
        // Claims of a batch go out together; Redis answers in order, so events reach the pipeline in stream order.
        await Promise.all((reply?.[0]?.[1] ?? []).map(([id, fields]) => this.deliver(id, fields)))
      } catch (error) {
        if (!this.running) break
        if (String((error as Error).message).includes('NOGROUP')) {
          await this.recreateGroup()
          continue
        }
        this.unanswered = true
        this.logger?.error({ err: error }, 'reading the stream failed; retrying in 1 s')
        await this.pauseFor(1_000, this.readingStopped.signal)
      }
    }
  }

  /**
   * The stream or its group vanished (Redis restarted without persistence, a FLUSH, a deleted key): create
   * the group again from the stream's first entry, so what the ingress appended since is read, not skipped.
   * Entries no worker had read are lost with the old stream: that cannot be undone here, only prevented by
   * Redis' append-only file, so the log says so. Entries this worker holds are still handled (their ACK finds
   * no group and is dropped); those handled before are recognised by their done keys, if Redis still has them.
   */
  private async recreateGroup(): Promise<void> {
    this.metrics?.inc('broker_stream_lost')
    this.logger?.warn(
      { stream: this.stream, group: this.group, unreadAtLastCheck: this.lag },
      'the stream or its consumer group vanished from Redis (restarted without persistence, or flushed): entries no worker had read yet are lost with it; creating the group again from the first entry. Run Redis with appendonly yes (appendfsync everysec) so that a restart keeps the stream',
    )
    try {
      await ensureGroup(this.options.redis, this.stream, this.group, '0')
    } catch (error) {
      this.logger?.error({ err: error }, 'could not create the consumer group again; retrying in 1 s')
      await this.pauseFor(1_000, this.readingStopped.signal)
    }
  }

  /** Takes over entries other workers took and never acknowledged (they died or hang). */
  private async claimLoop(): Promise<void> {
    const idle = this.options.claimIdleMs ?? 30_000
    const every = Math.max(100, Math.floor(idle / 3))
    // Runs on after reading stopped, renewing what is held while stop() lets it finish.
    while (!this.stopped.signal.aborted) {
      await this.pauseFor(every)
      if (this.stopped.signal.aborted) break
      try {
        const startedAt = Date.now()
        await this.renewHeld(idle)
        const state = await readGroupState(this.options.redis, this.stream, this.group)
        this.groupPending = state.pending
        this.lag = state.lag
        const now = Date.now()
        if (this.unanswered || now - startedAt > every || state.uptimeMs < idle) {
          // Redis failed, answered only after a long while (commands waited while it was unreachable), or
          // restarted a moment ago: no worker could renew its entries meanwhile, and an entry's idle time runs
          // on while Redis is down, so every live worker's entries look abandoned now. Take none over for one
          // claimIdleMs: the others renew theirs first, and only a dead worker's are left.
          this.unanswered = false
          this.noReclaimUntil = now + idle
        }
        // While the pipeline is full, take nothing more on; the gauges still tell how far behind we are.
        if (this.running && !this.gate!.holding && now >= this.noReclaimUntil) await this.reclaim(idle)
      } catch (error) {
        this.unanswered = true
        this.logger?.error({ err: error }, 'renewing or reclaiming entries failed; retrying next round')
      }
    }
  }

  private async reclaim(idleMs: number): Promise<void> {
    let cursor = '0-0'
    do {
      const [next, entries] = (await this.options.redis.xautoclaim(
        this.stream,
        this.group,
        this.consumer,
        idleMs,
        cursor,
        'COUNT',
        100,
      )) as [string, ([string, StreamFields] | null)[]]
      cursor = next
      const live = entries.filter((entry): entry is [string, StreamFields] => entry !== null)
      if (live.length === 0) continue
      this.metrics?.inc('broker_reclaimed', undefined, live.length)
      const counts = await deliveryCounts(
        this.options.redis,
        this.stream,
        this.group,
        this.consumer,
        live.map(([id]) => id),
        this.holding.size,
      )
      await Promise.all(live.map(([id, fields]) => this.deliver(id, fields, counts.get(id) ?? 2)))
    } while (cursor !== '0-0' && this.running)
  }

  /**
   * Tells the group this worker is alive and still on its entries: resets their idle time (XCLAIM to itself,
   * JUSTID, which does not count as a delivery) and extends their claim keys, so no other worker takes over
   * an event that is only queued here or slow to handle.
   */
  private async renewHeld(idleMs: number): Promise<void> {
    if (this.holding.size === 0) return
    const redis = withScripts(this.options.redis)
    const entries = [...this.holding.entries()]
    await redis.xclaim(this.stream, this.group, this.consumer, 0, ...entries.map(([entryId]) => entryId), 'JUSTID')
    await Promise.all(
      entries.flatMap(([, claimKey]) =>
        claimKey === undefined ? [] : [redis.qqbotRenew(claimKey, this.consumer, idleMs)],
      ),
    )
  }

  /** Sleeps, but wakes at once when the source stops. */
  private pauseFor(ms: number, signal = this.stopped.signal): Promise<void> {
    return sleep(ms, signal).catch(() => undefined)
  }

  /** `attempt`: how often the entry was delivered, counting this time (1 when read, more when taken over). */
  private async deliver(entryId: string, fields: StreamFields, attempt = 1): Promise<void> {
    // Already ours and not finished (our own reclaim saw it idle): handing it over twice would acknowledge it early.
    if (this.holding.has(entryId)) return
    const decoded = decodeEvent(fields)
    if ('error' in decoded) {
      this.logger?.warn(
        { entryId, reason: decoded.error },
        'acknowledged and skipped a stream entry that is not an event',
      )
      await this.options.redis.xack(this.stream, this.group, entryId)
      return
    }
    const { envelope } = decoded
    const key = eventDedupeKey(envelope.name, envelope.id, envelope.data)
    const claimKey = key === undefined ? undefined : this.keys.event(key)
    if (claimKey !== undefined && !(await this.claim(entryId, claimKey))) return
    if (this.holding.has(entryId)) return
    this.holding.hold(entryId, claimKey)
    const accepted = this.sink!.push({
      ...envelope,
      attempt,
      done: () => this.holding.release(entryId, () => this.acknowledge(entryId, claimKey)),
    })
    if (!accepted) this.gate!.hold()
  }

  /** True when this worker may handle the event; false when it is done already or another worker has it. */
  private async claim(entryId: string, claimKey: string): Promise<boolean> {
    const redis = this.options.redis
    const taken = await redis.set(claimKey, this.consumer, 'PX', this.options.claimIdleMs ?? 30_000, 'NX')
    if (taken === 'OK') return true
    const holder = await redis.get(claimKey)
    if (holder === DONE) {
      this.metrics?.inc('broker_duplicates')
      await redis.xack(this.stream, this.group, entryId)
    }
    // Another worker is on it: leave the entry pending; if that worker dies, it comes back by XAUTOCLAIM.
    return holder === this.consumer
  }

  /** Marks the event done and acknowledges its entry, in one MULTI; never rejects. */
  private async acknowledge(entryId: string, claimKey: string | undefined): Promise<void> {
    const multi = this.options.redis.multi()
    if (claimKey !== undefined) multi.set(claimKey, DONE, 'PX', this.options.dedupeTtlMs ?? 24 * 60 * 60 * 1000)
    multi.xack(this.stream, this.group, entryId)
    try {
      await multi.exec()
      this.metrics?.inc('broker_acked')
    } catch (error) {
      // Not acknowledged: the entry comes back by XAUTOCLAIM, and its done key (if written) skips it then.
      this.logger?.error({ err: error, entryId }, 'could not acknowledge a handled entry')
    }
  }
}
