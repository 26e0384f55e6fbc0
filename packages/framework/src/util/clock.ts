/**
 * Where the framework reads the time and sets timers for what users see: cooldowns and `ctx.prompt()`
 * timeouts. Bots use {@link systemClock}; tests pass a manual one (`@qqbot/testing` does) so time moves only
 * when the test says so.
 */
export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number
  /** Calls `callback` once after `ms`; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * The real clock. It looks up `Date.now`, `setTimeout` and `clearTimeout` at each call, so
 * `vi.useFakeTimers()` and similar still control it.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** The key under which a bot keeps its clock in its guard store (`ctx.store`). */
export const CLOCK_KEY = Symbol.for('qqbot.clock')

/** The clock of the bot that owns `store` (`ctx.store` in a guard); the system clock when none was set. */
export function clockOf(store: Map<unknown, unknown>): Clock {
  return (store.get(CLOCK_KEY) as Clock | undefined) ?? systemClock
}
