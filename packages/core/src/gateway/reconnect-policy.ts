import { backoffDelay, type BackoffOptions } from '../util/backoff.js'
import { closeAction, type CloseAction } from './close-codes.js'

/** How a shard reconnects after its connection closed (docs/protocol.md, close codes). */
export interface ReconnectPolicyOptions {
  /** Reconnect backoff, default 1 s doubling to 60 s. Planned reconnects (op 7, 4009) go at once. */
  backoff?: BackoffOptions
  /** Wait at least this long after close 4008 (sent too fast). Default 10 s. */
  rateLimitDelayMs?: number
  /** Consecutive failed resumes before falling back to identify. Default 3. */
  maxResumeFailures?: number
  /**
   * How long `start()` keeps trying while the platform cannot be reached (the token endpoint or the gateway
   * lookup failing) before it rejects with an error naming what failed. Once a shard was ready, reconnects
   * never give up. Default 30 s.
   */
  startUnreachableMs?: number
}

/** A connection closed: the code, what we meant when we closed it ourselves, and whether it was resuming. */
export interface ClosedConnection {
  code: number
  reason: string
  /** Set when this process closed the socket itself (op 7, op 9, zombie, handshake timeout). */
  plannedAction: CloseAction | undefined
  /** The socket closed while waiting for RESUMED: one more failed resume. */
  wasResuming: boolean
}

/** What the shard does after a close: stop for good, or reconnect (with or without its session). */
export type CloseVerdict =
  | { kind: 'fail'; action: CloseAction; detail: string | undefined }
  | {
      kind: 'reconnect'
      action: CloseAction
      /** The session is gone (or resuming it failed too often): clear it and IDENTIFY. */
      newSession: boolean
      /** `newSession` because resumes kept failing, not because the gateway said so. */
      gaveUpResuming: boolean
      /** Close 4008: wait at least `rateLimitDelayMs`. */
      rateLimited: boolean
      /** Back off (and ask for the gateway URL again); planned reconnects go at once. */
      backoff: boolean
    }

const MAX_AUTH_FAILURES = 5

/**
 * Decides what follows a closed connection and when the next connect goes: counts failed resumes (falling
 * back to identify), rejected tokens (fatal after five in a row) and attempts since the shard was last
 * ready (backing off exponentially), and runs the reconnect timer.
 */
export class ReconnectPolicy {
  private readonly backoff: BackoffOptions
  private readonly rateLimitDelayMs: number
  private readonly maxResumeFailures: number
  private readonly startUnreachableMs: number
  /** When the platform stopped answering while the shard was still starting. */
  private unreachableSince: number | undefined
  private attempt = 0
  private resumeFailures = 0
  private authFailures = 0
  private scheduled = 0
  private timer: NodeJS.Timeout | undefined

  constructor(options: ReconnectPolicyOptions) {
    this.backoff = options.backoff ?? { baseMs: 1_000, maxMs: 60_000 }
    this.rateLimitDelayMs = options.rateLimitDelayMs ?? 10_000
    this.maxResumeFailures = options.maxResumeFailures ?? 3
    this.startUnreachableMs = options.startUnreachableMs ?? 30_000
  }

  /** Reconnects scheduled since start. */
  get reconnects(): number {
    return this.scheduled
  }

  /**
   * The platform could not be reached while the shard was starting. Returns how long it has been failing when
   * that passed `startUnreachableMs` (give up), undefined while it is worth another try.
   */
  unreachableWhileStarting(now = Date.now()): number | undefined {
    this.unreachableSince ??= now
    const failingForMs = now - this.unreachableSince
    return failingForMs >= this.startUnreachableMs ? failingForMs : undefined
  }

  /** The platform answered (a socket opened): the start deadline counts from the next failure. */
  reached(): void {
    this.unreachableSince = undefined
  }

  /** What to do after `close`; counts it as a failed resume or a rejected token where it is one. */
  afterClose(close: ClosedConnection): CloseVerdict {
    const action = close.plannedAction ?? closeAction(close.code)
    const planned = close.plannedAction !== undefined || close.code === 4009
    if (close.wasResuming && action === 'resume') this.resumeFailures++
    if (action === 'fatal') return { kind: 'fail', action, detail: close.reason || undefined }
    if (action === 'refresh-token' && ++this.authFailures >= MAX_AUTH_FAILURES) {
      const detail = `the gateway rejected ${MAX_AUTH_FAILURES} fresh access tokens in a row; check the AppID and AppSecret`
      return { kind: 'fail', action, detail }
    }
    const newSession = action === 'identify' || this.resumeFailures >= this.maxResumeFailures
    const gaveUpResuming = newSession && this.resumeFailures > 0 && action !== 'identify'
    // A new session starts counting its own failed resumes.
    if (newSession) this.resumeFailures = 0
    return {
      kind: 'reconnect',
      action,
      newSession,
      gaveUpResuming,
      rateLimited: close.code === 4008,
      backoff: !planned,
    }
  }

  /**
   * Runs `connect` after the wait this attempt gets: at once (within 100 ms) for the first planned reconnect,
   * with backoff otherwise, at least `rateLimitDelayMs` after 4008.
   */
  schedule(options: { rateLimited: boolean; backoff: boolean }, connect: () => void): void {
    this.scheduled++
    let delay = options.backoff || this.attempt > 0 ? backoffDelay(this.attempt, this.backoff) : Math.random() * 100
    if (options.rateLimited) delay = Math.max(delay, this.rateLimitDelayMs)
    this.attempt++
    this.timer = setTimeout(connect, delay)
  }

  /** The shard is READY or RESUMED: the next close starts from the first attempt again. */
  connected(): void {
    this.attempt = 0
    this.resumeFailures = 0
    this.authFailures = 0
  }

  cancel(): void {
    clearTimeout(this.timer)
  }
}
