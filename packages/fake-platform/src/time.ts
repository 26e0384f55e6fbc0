/** Offset the platform uses in its RFC3339 timestamps (China Standard Time). */
const OFFSET_MINUTES = 8 * 60

/**
 * Formats a millisecond epoch time as RFC3339 with the `+08:00` offset the QQ platform
 * uses, e.g. `2024-05-10T15:06:43+08:00`.
 */
export function rfc3339(ms: number = Date.now()): string {
  const shifted = new Date(ms + OFFSET_MINUTES * 60_000)
  return `${shifted.toISOString().slice(0, 19)}+08:00`
}

/** Resolves after `ms` milliseconds. The timer is unref'd so it never keeps a process alive. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms).unref()
  })
}
