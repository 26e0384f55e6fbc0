import type { Logger } from 'pino'
import type { SessionStore, ShardSession } from '../session/session-store.js'
import { RepeatedFailureLog } from '../logging/repeated-failure-log.js'
import { sleep } from '../util/sleep.js'
import { SeqWatermark } from './seq-watermark.js'

/** Tries to load the stored session before identifying instead (250 ms, 0.5 s, 1 s, 2 s, 4 s apart). */
const SESSION_LOAD_ATTEMPTS = 6
const SAVE_INTERVAL_MS = 200
const STOP_DRAIN_TIMEOUT_MS = 30_000

export interface SessionPersisterOptions {
  shardId: number
  shardCount: number
  sessions: SessionStore
  sessionKey: string
  logger: Logger
  /** Aborts the waits between load attempts. */
  signal: AbortSignal
  /** The shard is stopping: a failed load is not retried, and the last event to finish saves at once. */
  stopping(): boolean
}

/**
 * The shard's session and where it stands: the last seq received, and the watermark below which every event
 * is finished, which is what the store gets (docs/protocol.md, resume). Loads the stored session (retrying a
 * store that blips), saves at most every 200 ms while events arrive and finish, and clears it when the
 * gateway ends the session. A fenced store (a coordinator's) refuses the writes of a shard whose lease is lost;
 * such a failed save is logged, never thrown.
 */
export class SessionPersister {
  private current: ShardSession | undefined
  private received = 0
  /** Events up to this seq reached the process that stored the session we resume: a replay, attempt 2. */
  private replayedUpTo = 0
  private readonly watermark = new SeqWatermark()
  private saveTimer: NodeJS.Timeout | undefined
  private onDrained: (() => Promise<void>) | undefined
  /** While the store is down, saves fail every 200 ms: one line, then one per interval, then one on recovery. */
  private readonly saveFailures: RepeatedFailureLog

  constructor(private readonly options: SessionPersisterOptions) {
    this.saveFailures = new RepeatedFailureLog(options.logger)
  }

  get session(): ShardSession | undefined {
    return this.current
  }

  /** Last seq received (what heartbeats and RESUME within this process carry). */
  get seq(): number {
    return this.received
  }

  /** Events handed over and not finished yet. */
  get outstanding(): number {
    return this.watermark.outstanding
  }

  /** Loads the stored session unless one is in memory. */
  async restore(): Promise<void> {
    if (this.current) return
    this.current = await this.load()
    this.replayedUpTo = this.current ? (this.current.received ?? this.current.seq) : 0
  }

  /** RESUME goes from the last seq received here, or the stored one when it is ahead (a takeover). */
  resumeFrom(session: ShardSession): number {
    this.received = Math.max(this.received, session.seq)
    return this.received
  }

  /** A frame carried `seq`. */
  receive(seq: number | undefined): void {
    if (typeof seq === 'number' && seq > this.received) this.received = seq
  }

  /** 2 for an event that had reached the process that stored the session (it may have started it), else 1. */
  attemptOf(seq: number | undefined): number {
    return typeof seq === 'number' && seq <= this.replayedUpTo ? 2 : 1
  }

  /** READY: a new session, numbered from `seq`, saved at once. */
  begin(sessionId: string, seq: number | undefined): void {
    this.received = typeof seq === 'number' ? seq : 0
    this.replayedUpTo = 0
    this.watermark.reset()
    this.current = { sessionId, seq: this.received, shard: [this.options.shardId, this.options.shardCount] }
    void this.save()
  }

  /** The envelope's `done` for event `seq`: moves the stored seq on; the last one after a stop saves at once. */
  track(seq: number): () => void {
    const finished = this.watermark.track(seq)
    return () => {
      finished()
      if (!this.options.stopping() || this.watermark.outstanding > 0) return this.saveSoon()
      if (this.onDrained) void this.onDrained()
      else void this.save()
    }
  }

  saveSoon(): void {
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined
      void this.save()
    }, SAVE_INTERVAL_MS)
  }

  async save(): Promise<void> {
    clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    if (!this.current) return
    this.current.seq = this.watermark.committed(this.received)
    this.current.received = this.received
    try {
      await this.options.sessions.save(this.options.sessionKey, this.current)
      this.saveFailures.recovered('save', `saved the session of shard ${this.options.shardId} again`)
    } catch (error) {
      const fields = { err: error, shard: this.options.shardId }
      this.saveFailures.failed('save', 'error', fields, 'could not save the shard session')
    }
  }

  /** The gateway ended the session: forget it here and in the store. */
  clear(): void {
    this.current = undefined
    this.received = 0
    this.watermark.reset()
    void Promise.resolve(this.options.sessions.clear(this.options.sessionKey)).catch((error) =>
      this.options.logger.error({ err: error, shard: this.options.shardId }, 'could not clear the stored session'),
    )
  }

  /** Resolves once every event handed over is finished (and the session saved), or after the drain timeout. */
  drain(): Promise<void> {
    if (this.watermark.outstanding === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.options.logger.warn(
          { shard: this.options.shardId, outstanding: this.watermark.outstanding },
          'stopped waiting for handlers to finish; the stored seq stays before their events',
        )
        resolve()
      }, STOP_DRAIN_TIMEOUT_MS)
      this.onDrained = async () => {
        clearTimeout(timer)
        await this.save()
        resolve()
      }
    })
  }

  /**
   * The stored session, retried a few times on failure: identifying instead of resuming skips every event
   * after the stored seq, so a store that blips (Redis failing over) must not cause it. A store that keeps
   * failing gets an identify after about 8 s, with an error log saying events may have been missed.
   */
  private async load(): Promise<ShardSession | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.options.sessions.load(this.options.sessionKey)
      } catch (error) {
        if (this.options.stopping()) return undefined
        if (attempt >= SESSION_LOAD_ATTEMPTS - 1) {
          this.options.logger.error(
            { err: error, shard: this.options.shardId },
            'could not load the stored session; identifying anew (events after the stored seq are not replayed)',
          )
          return undefined
        }
        this.options.logger.warn(
          { err: error, shard: this.options.shardId, attempt: attempt + 1 },
          'could not load the stored session; retrying',
        )
        await sleep(250 * 2 ** attempt, this.options.signal).catch(() => undefined)
      }
    }
  }
}
