import type { Logger } from 'pino'
import type { TokenProvider } from '../auth/access-token-manager.js'
import type { Metrics } from '../metrics/metrics.js'
import { ApiError, NetworkError } from './api-error.js'
import type { HttpTransport, HttpResponse } from './http-transport.js'
import { RATE_LIMIT_CODES, TOKEN_EXPIRED_CODES, TRANSIENT_CODES } from './platform-codes.js'
import { backoffDelay, type BackoffOptions } from '../util/backoff.js'
import { sleep } from '../util/sleep.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** One REST call as it travels through hooks. Hooks may return a modified copy. */
export interface RestRequest {
  method: HttpMethod
  /** Path with ids filled in, e.g. `/channels/123/messages`. */
  path: string
  /** Route template for metrics and logs, e.g. `POST /channels/{channel_id}/messages`. Defaults to method + path. */
  route?: string
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  headers?: Record<string, string>
  /** Per-request timeout, default the client's. */
  timeoutMs?: number
  /** Retries for this call (429, 5xx, rate-limit codes), default the client's; 0 disables. */
  retries?: number
}

export interface RestResponse<T = unknown> {
  status: number
  data: T
  /** The platform's `X-Tps-trace-ID`. */
  traceId: string | undefined
}

/** The continuation a hook calls to send the request on. */
export type RestNext = (request: RestRequest) => Promise<RestResponse>

/**
 * A function around every REST call (like grammY's API transformers): log it, time it, change it,
 * or answer it without the network (a test fake). Call `next` to continue.
 */
export type RestHook = (request: RestRequest, next: RestNext) => Promise<RestResponse>

export interface RestClientOptions {
  baseUrl: string
  appId: string
  tokens: TokenProvider
  transport: HttpTransport
  logger: Logger
  metrics?: Metrics
  /** Default 10 s; the platform asks for at least 5 s. */
  timeoutMs?: number
  /** Default 3 retries with backoff from 500 ms to 10 s. */
  retries?: number
  backoff?: BackoffOptions
}

/**
 * Sends authenticated requests to the OpenAPI: adds `Authorization: QQBot {token}` and `X-Union-Appid`,
 * refreshes the token once on 401/11244, retries 429/5xx/rate-limit codes with backoff (the body is sent
 * unchanged, so a retried reply keeps its `msg_seq` and never becomes a second message), and turns error
 * bodies into {@link ApiError}. Every call runs through the hooks added with {@link RestClient.use}.
 */
export class RestClient {
  private readonly hooks: RestHook[] = []
  private chain: RestNext
  private inFlight = 0
  private readonly origin: string
  private readonly basePath: string

  constructor(private readonly options: RestClientOptions) {
    // Parsed once: building a URL object per request showed up in profiles.
    const base = new URL(options.baseUrl)
    this.origin = base.origin
    this.basePath = base.pathname.replace(/\/$/, '')
    this.chain = this.compose()
    options.metrics?.gauge('rest_in_flight', () => this.inFlight)
  }

  /** Adds a hook around every call. Hooks run in the order added; the first added is outermost. */
  use(hook: RestHook): this {
    this.hooks.push(hook)
    this.chain = this.compose()
    return this
  }

  /** Sends a request and resolves with the response body. */
  async request<T = unknown>(request: RestRequest): Promise<T> {
    return (await this.chain(request)).data as T
  }

  /** Sends a request and resolves with status, body and trace id. */
  requestRaw<T = unknown>(request: RestRequest): Promise<RestResponse<T>> {
    return this.chain(request) as Promise<RestResponse<T>>
  }

  /** Composed once per `use()`, never per call, so hooks cost nothing extra as calls pile up. */
  private compose(): RestNext {
    let next: RestNext = (request) => this.send(request)
    for (let i = this.hooks.length - 1; i >= 0; i--) {
      const hook = this.hooks[i]!
      const inner = next
      next = (request) => hook(request, inner)
    }
    return next
  }

  private async send(request: RestRequest): Promise<RestResponse> {
    const route = request.route ?? `${request.method} ${request.path}`
    const { metrics, logger } = this.options
    const maxRetries = request.retries ?? this.options.retries ?? 3
    const body = request.body === undefined ? undefined : JSON.stringify(request.body)
    const path = this.buildPath(request)
    let tokenRefreshed = false
    let retries = 0
    this.inFlight++
    try {
      for (;;) {
        const token = await this.options.tokens.getToken()
        metrics?.inc('rest_calls', { route })
        let response: HttpResponse
        try {
          response = await this.options.transport.send({
            origin: this.origin,
            path,
            method: request.method,
            headers: this.headers(token, body !== undefined, request.headers),
            body,
            timeoutMs: request.timeoutMs ?? this.options.timeoutMs ?? 10_000,
          })
        } catch (cause) {
          metrics?.inc('rest_errors', { route, code: 'network' })
          if (retries < maxRetries && isSafeToRetryAfterNetworkError(request, cause)) {
            await this.waitBeforeRetry(route, retries++, 'network error')
            continue
          }
          throw new NetworkError(route, cause)
        }
        const traceId = headerValue(response.headers['x-tps-trace-id'])
        if (response.status >= 200 && response.status < 300) {
          if ((response.status === 201 || response.status === 202) && hasErrorCode(response.body)) {
            // Accepted asynchronously (e.g. 304023 push async OK, 304024 held for audit): a success with a note.
            logger.debug({ route, status: response.status, body: response.body, traceId }, 'request accepted asynchronously')
          }
          return { status: response.status, data: response.body, traceId }
        }
        const error = toApiError(route, response, traceId)
        metrics?.inc('rest_errors', { route, code: String(error.platformCode ?? error.status) })
        if (!tokenRefreshed && (response.status === 401 || isCodeIn(error, TOKEN_EXPIRED_CODES))) {
          tokenRefreshed = true
          this.options.tokens.invalidate(token)
          logger.info({ route, traceId }, 'access token rejected, refreshing and retrying once')
          continue
        }
        if (retries < maxRetries && isRetryable(error)) {
          await this.waitBeforeRetry(route, retries++, `HTTP ${error.status}`)
          continue
        }
        throw error
      }
    } finally {
      this.inFlight--
    }
  }

  private async waitBeforeRetry(route: string, attempt: number, reason: string): Promise<void> {
    const delay = backoffDelay(attempt, this.options.backoff ?? { baseMs: 500, maxMs: 10_000 })
    this.options.metrics?.inc('rest_retries', { route })
    this.options.logger.warn({ route, attempt: attempt + 1, delayMs: delay, reason }, 'retrying REST request')
    await sleep(delay)
  }

  private buildPath(request: RestRequest): string {
    const path = this.basePath + request.path
    if (!request.query) return path
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(request.query)) {
      if (value !== undefined) params.set(key, String(value))
    }
    const query = params.toString()
    return query ? `${path}?${query}` : path
  }

  private headers(token: string, hasBody: boolean, extra: Record<string, string> | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `QQBot ${token}`,
      'x-union-appid': this.options.appId,
      ...extra,
    }
    if (hasBody) headers['content-type'] = 'application/json'
    return headers
  }
}

function toApiError(route: string, response: HttpResponse, traceId: string | undefined): ApiError {
  const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<string, unknown>
  return new ApiError({
    route,
    status: response.status,
    platformCode: toNumber(body.code),
    errCode: toNumber(body.err_code),
    platformMessage: typeof body.message === 'string' ? body.message : typeof response.body === 'string' ? response.body.slice(0, 200) : undefined,
    traceId: traceId ?? (typeof body.trace_id === 'string' ? body.trace_id : undefined),
    body: response.body,
  })
}

function isRetryable(error: ApiError): boolean {
  return error.status === 429 || error.status >= 500 || isCodeIn(error, RATE_LIMIT_CODES) || isCodeIn(error, TRANSIENT_CODES)
}

function isCodeIn(error: ApiError, codes: ReadonlySet<number>): boolean {
  return (error.platformCode !== undefined && codes.has(error.platformCode)) || (error.errCode !== undefined && codes.has(error.errCode))
}

/**
 * A network error after the request was written may mean the platform did act on it. Retry only when a
 * repeat cannot create a duplicate: reads and idempotent verbs, a connection that was never established,
 * or a v2 send carrying `msg_seq` (the platform deduplicates it).
 */
function isSafeToRetryAfterNetworkError(request: RestRequest, cause: unknown): boolean {
  if (request.method === 'GET' || request.method === 'PUT' || request.method === 'DELETE') return true
  const code = (cause as { code?: string })?.code
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT') return true
  return typeof request.body === 'object' && request.body !== null && 'msg_seq' in request.body
}

function hasErrorCode(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'code' in body && (body as { code: unknown }).code !== 0
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
