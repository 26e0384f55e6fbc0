import type { GatewayFrame, RecordedCall } from '@qqbot/fake-platform'

/** Keys whose values never reach the page: the access token (identify, resume, token answer) and the AppSecret. */
const SECRET_KEY = /token|secret|authorization|signature/i
const REDACTED = '[redacted]'
/** Longest JSON a traffic line carries (a big ark or markdown body is cut, not dropped). */
const MAX_DETAIL_CHARS = 8_000

/** `value` with every secret-looking field replaced, so the page can show the rest as JSON. */
export function redacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redacted)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, SECRET_KEY.test(key) ? REDACTED : redacted(field)]),
  )
}

/** The frame's payload as indented JSON, secrets redacted. */
export function frameDetail(frame: GatewayFrame): string {
  return json(redacted(frame.payload))
}

/** What the bot asked and what the platform answered, secrets redacted; never headers (they carry the token). */
export function callDetail(call: RecordedCall): string {
  const detail: Record<string, unknown> = { request: `${call.method} ${call.path}`, status: call.status }
  if (Object.keys(call.query).length > 0) detail.query = call.query
  if (call.body !== undefined) detail.body = redacted(call.body)
  if (call.response !== undefined) detail.response = redacted(call.response)
  return json(detail)
}

/** True for heartbeat frames (op 1 and its ACK, op 11): the lines a reader most often hides. */
export function isHeartbeat(frame: GatewayFrame): boolean {
  const op = (frame.payload as { op?: unknown } | null)?.op
  return op === 1 || op === 11
}

function json(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? 'undefined'
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}\n… (cut)` : text
}
