import type { Timestamp } from './payloads.js'

/** Below this a number is taken as Unix seconds, above it as milliseconds (year 2001 in ms, year 33658 in s). */
const MILLISECONDS_FROM = 1e12

/**
 * The time a payload's timestamp field names, whatever form it came in: RFC 3339 (`2026-05-01T12:00:00+08:00`),
 * Unix seconds (`1714536000`), milliseconds, or either as a numeric string. `undefined` for anything else.
 */
export function eventTime(value: Timestamp | null | undefined): Date | undefined {
  if (typeof value === 'number') return fromNumber(value)
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const trimmed = value.trim()
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return fromNumber(Number(trimmed))
  const ms = Date.parse(trimmed)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

function fromNumber(value: number): Date | undefined {
  if (!Number.isFinite(value)) return undefined
  return new Date(Math.abs(value) >= MILLISECONDS_FROM ? value : value * 1000)
}
