/**
 * How long the platform asked us to wait, in ms, or `undefined` when it did not say. The docs name no
 * rate-limit header (docs/protocol.md, errors), so this reads what a gateway in front of it might send: a
 * `Retry-After` header in seconds or as an HTTP date, or a `retry_after` (seconds) field in the error body.
 */
export function retryAfterMs(
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
  now: number,
): number | undefined {
  const header = headers['retry-after']
  const value = Array.isArray(header) ? header[0] : header
  if (value !== undefined && value.trim() !== '') {
    const trimmed = value.trim()
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
    const date = Date.parse(trimmed)
    if (Number.isFinite(date)) return Math.max(0, date - now)
  }
  const hint = typeof body === 'object' && body !== null ? (body as { retry_after?: unknown }).retry_after : undefined
  const seconds = typeof hint === 'number' ? hint : typeof hint === 'string' && hint.trim() !== '' ? Number(hint) : NaN
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : undefined
}
