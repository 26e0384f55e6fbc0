/**
 * Tuning of the per-(route, target) slow-down. Pass `rest: { limiter: false }` to turn it off.
 * Every field is optional; the defaults are listed on each.
 */
export interface AdaptiveLimiterOptions {
  /** Requests to one target allowed in flight right after its first rate limit (429, 22009, 20028). Default 8. */
  startConcurrency?: number
  /** The limit never shrinks below this. Default 1. */
  minConcurrency?: number
  /** Once the limit grows back to this, the target is unrestricted again. Default 32. */
  maxConcurrency?: number
  /** Each rate limit multiplies the limit by this (at most once per round of requests). Default 0.5. */
  decreaseFactor?: number
  /** A target with no rate limit for this long is unrestricted again at its next success. Default 60 s. */
  forgetAfterMs?: number
  /** Clock, injectable for tests. */
  now?: () => number
}

/** A request's place in a restricted target's allowance; hand it back to {@link AdaptiveLimiter.release}. */
export interface LimiterSlot {
  readonly state: RestrictedKey
  /** The limit's generation when the request started: a 429 to a request sent before the last decrease is old news. */
  readonly generation: number
}

/** How a request ended, as far as the limiter cares. */
export type LimiterOutcome = 'ok' | 'rate-limited' | 'other'

/** The allowance of one key the platform rate-limited. */
export interface RestrictedKey {
  limit: number
  inFlight: number
  pausedUntil: number
  generation: number
  lastLimitedAt: number
  /** Requests waiting for a slot; retries go to the front so an older reply is not starved by newer ones. */
  waiters: (() => void)[]
  wakeTimer: NodeJS.Timeout | undefined
}

/**
 * Adaptive slow-down per key (a route with its target, e.g. `/v2/groups/G/messages`): additive increase,
 * multiplicative decrease of the requests allowed in flight, plus a pause of the whole key after a rate limit.
 * A key is restricted only after the platform rate-limited it, so while no 429 is ever seen
 * {@link acquire} returns `undefined` at once without touching a map: the fast path costs one size check.
 */
export class AdaptiveLimiter {
  private readonly states = new Map<string, RestrictedKey>()
  private readonly now: () => number
  private readonly startConcurrency: number
  private readonly minConcurrency: number
  private readonly maxConcurrency: number
  private readonly decreaseFactor: number
  private readonly forgetAfterMs: number

  constructor(options: AdaptiveLimiterOptions = {}) {
    this.now = options.now ?? Date.now
    this.minConcurrency = Math.max(1, options.minConcurrency ?? 1)
    this.maxConcurrency = Math.max(this.minConcurrency, options.maxConcurrency ?? 32)
    this.startConcurrency = clamp(options.startConcurrency ?? 8, this.minConcurrency, this.maxConcurrency)
    this.decreaseFactor = clamp(options.decreaseFactor ?? 0.5, 0.05, 0.95)
    this.forgetAfterMs = options.forgetAfterMs ?? 60_000
  }

  /** Keys currently restricted. */
  get restrictedKeys(): number {
    return this.states.size
  }

  /** The current in-flight allowance of `key`, or `undefined` when it is unrestricted. */
  limitOf(key: string): number | undefined {
    const state = this.states.get(key)
    return state ? Math.floor(state.limit) : undefined
  }

  /**
   * A slot for one request to `key`: `undefined` when the key is unrestricted (send at once), a slot when
   * one is free now, or a promise of one. `retry` puts the request at the front of the queue.
   */
  acquire(key: string, retry = false): LimiterSlot | Promise<LimiterSlot> | undefined {
    if (this.states.size === 0) return undefined
    const state = this.states.get(key)
    if (!state) return undefined
    if (state.waiters.length === 0 && this.hasRoom(state, this.now())) return this.take(state)
    return new Promise((resolve) => {
      const wake = () => resolve(this.take(state))
      if (retry) state.waiters.unshift(wake)
      else state.waiters.push(wake)
      this.drain(state)
    })
  }

  /**
   * Reports how a request to `key` ended. A rate limit restricts the key (or shrinks its allowance) and
   * pauses it for `pauseMs`; a success grows the allowance back.
   */
  release(key: string, slot: LimiterSlot | undefined, outcome: LimiterOutcome, pauseMs = 0): void {
    if (slot) slot.state.inFlight--
    let state = this.states.get(key)
    if (outcome === 'rate-limited') {
      const now = this.now()
      if (!state) {
        state = {
          limit: this.startConcurrency,
          inFlight: 0,
          pausedUntil: 0,
          generation: 0,
          lastLimitedAt: now,
          waiters: [],
          wakeTimer: undefined,
        }
        this.states.set(key, state)
      } else if (slot?.state === state && slot.generation === state.generation) {
        state.limit = Math.max(this.minConcurrency, state.limit * this.decreaseFactor)
        state.generation++
      }
      state.lastLimitedAt = now
      state.pausedUntil = Math.max(state.pausedUntil, now + pauseMs)
    } else if (outcome === 'ok' && state) {
      state.limit = Math.min(this.maxConcurrency, state.limit + 1 / state.limit)
      const recovered = state.limit >= this.maxConcurrency || this.now() - state.lastLimitedAt >= this.forgetAfterMs
      if (recovered && state.waiters.length === 0) {
        this.forget(key, state)
        return
      }
    }
    if (state) this.drain(state)
  }

  private hasRoom(state: RestrictedKey, now: number): boolean {
    return state.inFlight < Math.floor(state.limit) && now >= state.pausedUntil
  }

  private take(state: RestrictedKey): LimiterSlot {
    state.inFlight++
    return { state, generation: state.generation }
  }

  private drain(state: RestrictedKey): void {
    // One reading of the clock: read twice, a pause could end between "no room" and "how long to wait",
    // and the waiters would be left with no timer to wake them.
    const now = this.now()
    while (state.waiters.length > 0 && this.hasRoom(state, now)) state.waiters.shift()!()
    if (state.waiters.length === 0 || state.wakeTimer) return
    const pause = state.pausedUntil - now
    // Only a pause needs a timer; a full allowance frees up when a request in flight is released.
    if (pause > 0) {
      state.wakeTimer = setTimeout(() => {
        state.wakeTimer = undefined
        this.drain(state)
      }, pause)
    }
  }

  private forget(key: string, state: RestrictedKey): void {
    if (state.wakeTimer) clearTimeout(state.wakeTimer)
    state.wakeTimer = undefined
    this.states.delete(key)
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
