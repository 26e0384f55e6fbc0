import type { Logger } from 'pino'
import type { TokenProvider } from '../auth/access-token-manager.js'
import type { Metrics } from '../metrics/metrics.js'
import {
  AdaptiveLimiter,
  type AdaptiveLimiterOptions,
  type LimiterOutcome,
  type LimiterSlot,
} from './adaptive-limiter.js'
import { apiErrorFromResponse, NetworkError } from './api-error.js'
import type { HttpResponse, HttpTransport, HttpTransportOptions } from '../http/http-transport.js'
import { TOKEN_EXPIRED_CODES } from './platform-codes.js'
import { retryAfterMs } from './retry-after.js'
import { RequestHeaders } from './request-headers.js'
import { parseHost, queryString, type ApiHost } from './api-host.js'
import type { RestNext, RestHook, RestRequest, RestResponse } from './rest-request.js'
import { isHostFailure, isRetryable, isSafeToRetryAfterNetworkError } from './retry-rules.js'
import { backoffDelay, type BackoffOptions } from '../util/backoff.js'
import { sleep } from '../util/sleep.js'

export type { HttpMethod, RestHook, RestNext, RestRequest, RestResponse } from './rest-request.js'

export interface RestClientOptions {
  baseUrl: string
  /** A second API domain for lookups marked `fallback` (the gateway URL), tried when `baseUrl` fails. */
  fallbackBaseUrl?: string
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
  /** Slows down requests to a route and target the platform rate-limited; `false` turns it off. Default on. */
  limiter?: AdaptiveLimiterOptions | false
}

/** The REST options a bot author tunes (`ClientOptions.rest`); the rest are wired by the client. */
export type RestTuning = Pick<RestClientOptions, 'timeoutMs' | 'retries' | 'backoff' | 'limiter'> &
  Pick<HttpTransportOptions, 'connections'> & {
    /** Run around every request, in order (logging, tracing, test doubles). */
    hooks?: RestHook[]
  }

/** A `Retry-After` longer than this is cut short on calls that retry by count, and never pauses a target longer. */
const MAX_RETRY_AFTER_MS = 60_000

/**
 * Sends authenticated requests to the OpenAPI: adds `Authorization: QQBot {token}` and `X-Union-Appid`,
 * refreshes the token once on 401/11244, retries 429/5xx/rate-limit codes with backoff (the body is sent
 * unchanged, so a retried reply keeps its `msg_seq` and never becomes a second message), slows down a
 * target the platform rate-limited ({@link AdaptiveLimiter}), and turns error bodies into {@link ApiError}.
 * Every call runs through the hooks added with {@link RestClient.use}.
 */
export class RestClient {
  private readonly hooks: RestHook[] = []
  private chain: RestNext
  private inFlight = 0
  private readonly primary: ApiHost
  private readonly fallback: ApiHost | undefined
  /** The per-target slow-down, `undefined` when turned off. */
  private readonly limiter: AdaptiveLimiter | undefined
  private readonly backoff: BackoffOptions
  private readonly retries: number
  private readonly timeoutMs: number
  private readonly headers: RequestHeaders

  constructor(private readonly options: RestClientOptions) {
    this.primary = parseHost(options.baseUrl)
    this.fallback = options.fallbackBaseUrl ? parseHost(options.fallbackBaseUrl) : undefined
    this.limiter = options.limiter === false ? undefined : new AdaptiveLimiter(options.limiter)
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 10_000 }
    this.retries = options.retries ?? 3
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.headers = new RequestHeaders(options.appId)
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
  request<T = unknown>(request: RestRequest): Promise<T> {
    return this.chain(request).then(dataOf) as Promise<T>
  }

  /** Sends a request and resolves with status, body and trace id. */
  requestRaw<T = unknown>(request: RestRequest): Promise<RestResponse<T>> {
    return this.chain(request) as Promise<RestResponse<T>>
  }

  /**
   * Composed once per `use()`, never per call, so hooks cost nothing extra as calls pile up. Without hooks the
   * chain is `send` itself, whose promise is taken as it is; each hook is called from an async function, so one
   * that throws or answers with a plain object still gives a promise.
   */
  private compose(): RestNext {
    let next: RestNext = (request) => this.send(request)
    for (let i = this.hooks.length - 1; i >= 0; i--) {
      const hook = this.hooks[i]!
      const inner = next
      next = async (request) => hook(request, inner)
    }
    return next
  }

  private async send(request: RestRequest): Promise<RestResponse> {
    const route = request.route ?? `${request.method} ${request.path}`
    const { metrics, logger } = this.options
    const maxRetries = request.retries ?? this.retries
    const body = request.body === undefined ? undefined : JSON.stringify(request.body)
    const pathAndQuery = request.path + queryString(request.query)
    const giveUpAt = request.retryWithinMs === undefined ? undefined : Date.now() + request.retryWithinMs
    const mayFallBack = request.fallback === true && this.fallback !== undefined
    let host = this.primary
    let tokenRefreshed = false
    let retries = 0
    let rateLimitRetries = 0
    let attempts = 0
    this.inFlight++
    try {
      for (;;) {
        const pending = this.limiter?.acquire(request.path, attempts > 0)
        // No await (not even a microtask) unless the target was rate-limited: the fast path.
        const slot = pending instanceof Promise ? await pending : pending
        // Taken after the wait for a slot, which may be long, so the token is fresh when the request leaves; no
        // await while the cached one is good.
        const token = this.options.tokens.currentToken?.() ?? (await this.fetchToken(request.path, slot))
        attempts++
        metrics?.inc('rest_calls', { route })
        let response: HttpResponse
        try {
          response = await this.options.transport.send({
            origin: host.origin,
            path: host.basePath + pathAndQuery,
            method: request.method,
            headers: this.headers.of(token, body !== undefined, request.headers),
            body,
            timeoutMs: request.timeoutMs ?? this.timeoutMs,
          })
        } catch (cause) {
          this.release(request.path, slot, 'other')
          metrics?.inc('rest_errors', { route, code: 'network' })
          if (mayFallBack && host === this.primary) {
            host = this.useFallback(route, (cause as Error)?.message ?? String(cause))
            continue
          }
          host = this.primary
          if (retries < maxRetries && isSafeToRetryAfterNetworkError(request, cause)) {
            await this.waitBeforeRetry(route, backoffDelay(retries++, this.backoff), 'network error')
            continue
          }
          throw new NetworkError(route, cause)
        }
        const traceId = headerValue(response.headers['x-tps-trace-id'])
        if (response.status >= 200 && response.status < 300) {
          this.release(request.path, slot, 'ok')
          if (host !== this.primary)
            logger.info(
              { route, host: host.baseUrl, primary: this.primary.baseUrl },
              'answered by the fallback API host',
            )
          if ((response.status === 201 || response.status === 202) && hasErrorCode(response.body)) {
            // Accepted asynchronously (e.g. 304023 push async OK, 304024 held for audit): a success with a note.
            logger.debug(
              { route, status: response.status, body: response.body, traceId },
              'request accepted asynchronously',
            )
          }
          return { status: response.status, data: response.body, traceId }
        }
        const error = apiErrorFromResponse(route, response, traceId, attempts)
        metrics?.inc('rest_errors', { route, code: String(error.platformCode ?? error.status) })
        if (!error.rateLimited) this.release(request.path, slot, 'other')
        if (!tokenRefreshed && (response.status === 401 || error.isIn(TOKEN_EXPIRED_CODES))) {
          tokenRefreshed = true
          this.options.tokens.invalidate(token)
          logger.info({ route, traceId }, 'access token rejected, refreshing and retrying once')
          continue
        }
        if (error.rateLimited) {
          metrics?.inc('rest_rate_limited', { route })
          const byDeadline = giveUpAt !== undefined
          const hinted = retryAfterMs(response.headers, response.body, Date.now())
          const delay =
            hinted === undefined
              ? backoffDelay(byDeadline ? rateLimitRetries++ : retries, this.backoff)
              : byDeadline
                ? hinted
                : Math.min(hinted, MAX_RETRY_AFTER_MS)
          this.release(request.path, slot, 'rate-limited', Math.min(delay, MAX_RETRY_AFTER_MS))
          if (byDeadline ? Date.now() + delay > giveUpAt : retries >= maxRetries) throw error
          if (!byDeadline) retries++
          await this.waitBeforeRetry(
            route,
            delay,
            `rate limited (HTTP ${error.status}${error.platformCode ? `, code ${error.platformCode}` : ''})`,
            byDeadline && attempts > 1,
          )
          continue
        }
        if (mayFallBack && host === this.primary && isHostFailure(error)) {
          host = this.useFallback(route, `HTTP ${error.status}`)
          continue
        }
        host = this.primary
        if (retries < maxRetries && isRetryable(error)) {
          await this.waitBeforeRetry(route, backoffDelay(retries++, this.backoff), `HTTP ${error.status}`)
          continue
        }
        throw error
      }
    } finally {
      this.inFlight--
    }
  }

  /** A token from the provider; when it fails, the limiter slot is handed back before the call fails. */
  private async fetchToken(key: string, slot: LimiterSlot | undefined): Promise<string> {
    try {
      return await this.options.tokens.getToken()
    } catch (error) {
      this.release(key, slot, 'other')
      throw error
    }
  }

  private release(key: string, slot: LimiterSlot | undefined, outcome: LimiterOutcome, pauseMs?: number): void {
    this.limiter?.release(key, slot, outcome, pauseMs)
  }

  private useFallback(route: string, reason: string): ApiHost {
    const fallback = this.fallback!
    this.options.logger.warn(
      { route, failed: this.primary.baseUrl, fallback: fallback.baseUrl, reason },
      'API host failed, asking the fallback host',
    )
    return fallback
  }

  /** The first wait of a call is a warning; later ones of the same rate-limited call are debug noise. */
  private async waitBeforeRetry(route: string, delayMs: number, reason: string, quiet = false): Promise<void> {
    this.options.metrics?.inc('rest_retries', { route })
    const entry = { route, delayMs, reason }
    if (quiet) this.options.logger.debug(entry, 'retrying REST request')
    else this.options.logger.warn(entry, 'retrying REST request')
    await sleep(delayMs)
  }
}

function dataOf(response: RestResponse): unknown {
  return response.data
}

function hasErrorCode(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'code' in body && (body as { code: unknown }).code !== 0
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
