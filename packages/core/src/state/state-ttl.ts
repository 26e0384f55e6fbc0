import { StateTtlError } from './state-errors.js'
import type { StateWriteOptions } from './state-storage.js'

/**
 * The TTL of a write in whole milliseconds (a fraction rounds up, so a key never expires early), or `undefined`
 * for none. Throws {@link StateTtlError} for zero, negative or non-finite values: every storage refuses them
 * alike, instead of one expiring the key at once and another keeping it forever.
 */
export function stateTtlMs(options: StateWriteOptions | undefined): number | undefined {
  const ttlMs = options?.ttlMs
  if (ttlMs === undefined) return undefined
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) throw new StateTtlError(ttlMs)
  return Math.ceil(ttlMs)
}
