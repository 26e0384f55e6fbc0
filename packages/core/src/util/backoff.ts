/** Exponential backoff with "equal jitter": attempt n waits between half and all of `baseMs * 2^n`, capped at `maxMs`. */
export interface BackoffOptions {
  baseMs: number
  maxMs: number
}

export function backoffDelay(
  attempt: number,
  { baseMs, maxMs }: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
