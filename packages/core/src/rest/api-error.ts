import { QQBotError } from '../errors/qqbot-error.js'
import type { HttpResponse } from '../http/http-transport.js'
import { PLATFORM_CODE_HINTS, PROACTIVE_DISCONTINUED, RATE_LIMIT_CODES } from './platform-codes.js'

/**
 * A REST call the platform answered with an error. `status` is the HTTP status, `platformCode` and
 * `errCode` the platform's `code`/`err_code` (v2 endpoints may send different values; check both),
 * `traceId` the `X-Tps-trace-ID` header the platform's support asks for.
 */
export class ApiError extends QQBotError {
  readonly status: number
  readonly platformCode: number | undefined
  readonly errCode: number | undefined
  readonly traceId: string | undefined
  readonly route: string
  readonly body: unknown
  /** Requests sent before giving up, retries included (1 when the first answer was final). */
  readonly attempts: number

  constructor(details: {
    route: string
    status: number
    platformCode?: number
    errCode?: number
    platformMessage?: string
    traceId?: string
    body?: unknown
    attempts?: number
  }) {
    const code = details.platformCode ?? details.errCode
    const hint =
      (details.platformCode !== undefined && PLATFORM_CODE_HINTS.get(details.platformCode)) ||
      (details.errCode !== undefined && PLATFORM_CODE_HINTS.get(details.errCode)) ||
      undefined
    const parts = [`${details.route} failed: HTTP ${details.status}`]
    if (code !== undefined)
      parts.push(
        `code ${code}${details.errCode !== undefined && details.errCode !== code ? `/${details.errCode}` : ''}`,
      )
    if (details.platformMessage) parts.push(details.platformMessage)
    let message = parts.join(', ') + '.'
    if (hint) message += ` ${hint}`
    if (details.attempts !== undefined && details.attempts > 1)
      message += ` Gave up after ${details.attempts} attempts.`
    if (details.traceId) message += ` (trace id ${details.traceId})`
    super('API_ERROR', message)
    this.status = details.status
    this.platformCode = details.platformCode
    this.errCode = details.errCode
    this.traceId = details.traceId
    this.route = details.route
    this.body = details.body
    this.attempts = details.attempts ?? 1
  }

  /** The platform said "slow down": HTTP 429, or code 22009 (message limit) or 20028 (channel write limit). */
  get rateLimited(): boolean {
    return this.status === 429 || this.isIn(RATE_LIMIT_CODES)
  }

  /** True when either code equals `code`. */
  is(code: number): boolean {
    return this.platformCode === code || this.errCode === code
  }

  /** True when either code is in `codes`. */
  isIn(codes: ReadonlySet<number>): boolean {
    return (
      (this.platformCode !== undefined && codes.has(this.platformCode)) ||
      (this.errCode !== undefined && codes.has(this.errCode))
    )
  }
}

/** The request never got an answer (connection refused or reset, timeout). */
export class NetworkError extends QQBotError {
  readonly route: string
  constructor(route: string, cause: unknown) {
    super(
      'NETWORK_ERROR',
      `${route} got no response: ${(cause as Error)?.message ?? String(cause)}. Check the network and the configured API host.`,
      { cause },
    )
    this.route = route
  }
}

/**
 * A group or C2C send without `msg_id` or `event_id`, refused before any request: the platform stopped
 * accepting proactive messages on 2025-04-21 (it answers 40034102/40034105).
 */
export class ProactiveMessageError extends QQBotError {
  constructor(scene: 'group' | 'C2C') {
    super(
      'PROACTIVE_MESSAGE_DISCONTINUED',
      `Cannot send this ${scene} message: it has no msg_id or event_id, so it would be proactive. ${PROACTIVE_DISCONTINUED}`,
    )
  }
}

/** The {@link ApiError} for a non-2xx answer: codes, message and trace id read leniently from the body. */
export function apiErrorFromResponse(
  route: string,
  response: HttpResponse,
  traceId: string | undefined,
  attempts: number,
): ApiError {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<
    string,
    unknown
  >
  return new ApiError({
    route,
    status: response.status,
    platformCode: toNumber(body.code),
    errCode: toNumber(body.err_code),
    platformMessage:
      typeof body.message === 'string'
        ? body.message
        : typeof response.body === 'string'
          ? response.body.slice(0, 200)
          : undefined,
    traceId: traceId ?? (typeof body.trace_id === 'string' ? body.trace_id : undefined),
    body: response.body,
    attempts,
  })
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return undefined
}
