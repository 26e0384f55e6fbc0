/**
 * A lease's fencing token: `(epoch, counter)`, compared as a pair. The counter comes from Redis (every new
 * lease of a shard takes the next number); the epoch does not: the process that finds the counter missing
 * starts a new one at its own clock (`Date.now()`, and always above any epoch it saw before). So when Redis
 * loses its data (restarted without persistence, flushed, failed over to an empty replica), the fences go on
 * rising instead of starting again at 1, and a changed epoch says "the counter was lost", where a counter that
 * skipped numbers says "another process held the shard in between".
 */
export interface Fence {
  readonly epoch: number
  readonly counter: number
}

/** How a lease taken again relates to the one this run held before. */
export type Continuity =
  /** Same epoch, the next number: nobody held the shard in between. */
  | 'next'
  /** Same epoch, numbers skipped: another process held the shard in between (and let it go). */
  | 'held-between'
  /** Another epoch, number 1: Redis lost the counter, and nobody took the shard since. */
  | 'counter-lost'
  /** Another epoch, numbers past 1: Redis lost the counter, and another process took the shard since. */
  | 'counter-lost-held-since'

export function continuity(previous: Fence, taken: Fence): Continuity {
  if (taken.epoch === previous.epoch) return taken.counter === previous.counter + 1 ? 'next' : 'held-between'
  return taken.counter === 1 ? 'counter-lost' : 'counter-lost-held-since'
}

/** Orders fences: negative when `a` is older than `b`. */
export function compareFences(a: Fence, b: Fence): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.counter - b.counter
}

/** As it appears in a lease's value (`<member>:<epoch>.<counter>`) and in logs. */
export function formatFence(fence: Fence): string {
  return `${fence.epoch}.${fence.counter}`
}

/** The reply of the acquire script, `[epoch, counter]`. */
export function parseFence(reply: [string | number, string | number]): Fence {
  return { epoch: Number(reply[0]), counter: Number(reply[1]) }
}

/** The epoch to propose should the counter be missing: now, but never at or below one seen already. */
export function proposeEpoch(highestSeen: number, now = Date.now()): number {
  return Math.max(now, highestSeen + 1)
}
