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

export interface QuietOptions {
  /** How often to look. */
  stepMs: number
  /** How long the count must stay the same. */
  quietMs: number
  /** Give up after this long. Default: never. */
  maxMs?: number
  /** Count quiet only once the count went above this (new replies arrived); it is also the starting count. */
  newAfter?: number
}

/**
 * Resolves when the client is idle, or when `count()` (replies sent so far) stopped changing for `quietMs`:
 * a handler waiting in `ctx.prompt()` never lets the client idle.
 */
export async function untilIdleOrQuiet(
  client: { idle(): Promise<void> },
  count: () => number,
  options: QuietOptions,
): Promise<void> {
  let idle = false
  void client.idle().then(() => (idle = true))
  let last = options.newAfter ?? count()
  let stableFor = 0
  for (let waited = 0; !idle && waited < (options.maxMs ?? Infinity); waited += options.stepMs) {
    await sleep(options.stepMs)
    const now = count()
    stableFor = now === last ? stableFor + options.stepMs : 0
    last = now
    if (stableFor >= options.quietMs && (options.newAfter === undefined || now > options.newAfter)) return
  }
}
