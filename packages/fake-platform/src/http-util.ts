import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'

/** Name of the trace header the platform puts on every response. */
export const TRACE_HEADER = 'X-Tps-trace-ID'

/** The platform's REST error body. */
export interface ApiErrorBody {
  /** Human-readable message. */
  message: string
  /** Platform error code. */
  code: number
  /** Secondary error code (equal to `code` unless stated otherwise). */
  err_code: number
  /** Same value as the `X-Tps-trace-ID` response header. */
  trace_id: string
}

/** Builds a REST error body. */
export function errorBody(traceId: string, code: number, message: string, errCode: number = code): ApiErrorBody {
  return { message, code, err_code: errCode, trace_id: traceId }
}

/** Reads a request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
    // An aborted request never emits 'end'; settle anyway (no-op when already resolved).
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}

/** Parses a body as JSON when possible; otherwise returns the raw text (or `undefined` if empty). */
export function parseBody(raw: string): unknown {
  if (raw.length === 0) return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return raw
  }
}

/** Flattens Node's header object into lower-case name → single string. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

/** True for plain JSON objects (not arrays or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Writes a response: objects as JSON, strings verbatim, `undefined` (and any 204/304) as an
 * empty body. Always sets the trace header. A no-op when the connection is already gone.
 */
export function writeResponse(
  res: ServerResponse,
  status: number,
  body: unknown,
  traceId: string,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return
  const headers: Record<string, string> = { [TRACE_HEADER]: traceId, Server: 'TAPISIX/2.2.2' }
  let payload = ''
  if (body !== undefined && status !== 204 && status !== 304) {
    if (typeof body === 'string') {
      payload = body
      headers['Content-Type'] = 'text/plain; charset=utf-8'
    } else {
      payload = JSON.stringify(body)
      headers['Content-Type'] = 'application/json'
    }
  }
  for (const [name, value] of Object.entries(extraHeaders)) {
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing]
    }
    headers[name] = value
  }
  if (status !== 204 && status !== 304) headers['Content-Length'] = String(Buffer.byteLength(payload))
  res.writeHead(status, headers)
  res.end(payload)
}
