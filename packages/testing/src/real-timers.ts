// Captured when the kit loads, so waiting for the bot keeps working while a test has `vi.useFakeTimers()` on.
const realSetTimeout = globalThis.setTimeout
const realSetImmediate = globalThis.setImmediate

/** Waits `ms` of real time, whatever fake timers the test installed. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms))
}

/** Lets pending promise callbacks and I/O callbacks run (one real event-loop turn). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve))
}
