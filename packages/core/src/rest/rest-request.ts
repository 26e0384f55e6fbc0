/** A REST call as the client and its hooks see it: what is sent, what comes back, and the hook chain's shape. */

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
  /**
   * Keep retrying rate limits (HTTP 429, codes 22009/20028) for up to this many ms from the call's start,
   * however many attempts that takes, instead of counting them against `retries` (other failures still
   * count). Each wait honours `Retry-After`; when the next attempt would start past this budget the call
   * gives up at once with the rate-limit {@link ApiError}. Passive replies set it to what is left of their
   * reply window.
   */
  retryWithinMs?: number
  /** A lookup that may ask the client's `fallbackBaseUrl` when `baseUrl` answers 5xx or cannot be reached. */
  fallback?: boolean
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
