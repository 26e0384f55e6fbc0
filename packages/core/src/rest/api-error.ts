import { QQBotError } from '../errors/qqbot-error.js'
import { PLATFORM_CODE_HINTS } from './platform-codes.js'

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

  constructor(details: { route: string; status: number; platformCode?: number; errCode?: number; platformMessage?: string; traceId?: string; body?: unknown }) {
    const code = details.platformCode ?? details.errCode
    const hint = (details.platformCode !== undefined && PLATFORM_CODE_HINTS.get(details.platformCode)) ||
      (details.errCode !== undefined && PLATFORM_CODE_HINTS.get(details.errCode)) || undefined
    const parts = [`${details.route} failed: HTTP ${details.status}`]
    if (code !== undefined) parts.push(`code ${code}${details.errCode !== undefined && details.errCode !== code ? `/${details.errCode}` : ''}`)
    if (details.platformMessage) parts.push(details.platformMessage)
    let message = parts.join(', ') + '.'
    if (hint) message += ` ${hint}`
    if (details.traceId) message += ` (trace id ${details.traceId})`
    super('API_ERROR', message)
    this.status = details.status
    this.platformCode = details.platformCode
    this.errCode = details.errCode
    this.traceId = details.traceId
    this.route = details.route
    this.body = details.body
  }

  /** True when either code equals `code`. */
  is(code: number): boolean {
    return this.platformCode === code || this.errCode === code
  }
}

/** The request never got an answer (connection refused or reset, timeout). */
export class NetworkError extends QQBotError {
  readonly route: string
  constructor(route: string, cause: unknown) {
    super('NETWORK_ERROR', `${route} got no response: ${(cause as Error)?.message ?? String(cause)}. Check the network and the configured API host.`, { cause })
    this.route = route
  }
}
