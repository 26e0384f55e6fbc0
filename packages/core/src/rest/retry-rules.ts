import type { ApiError } from './api-error.js'
import { TRANSIENT_CODES } from './platform-codes.js'
import type { RestRequest } from './rest-request.js'

/** Answers worth sending again unchanged: rate limits, server errors, media the platform failed to fetch. */
export function isRetryable(error: ApiError): boolean {
  return error.rateLimited || error.status >= 500 || error.isIn(TRANSIENT_CODES)
}

/** Answers that make a gateway lookup try the other API domain: the host is down, not the request wrong. */
export function isHostFailure(error: ApiError): boolean {
  return error.status >= 500
}

/**
 * A network error after the request was written may mean the platform did act on it. Retry only when a
 * repeat cannot create a duplicate: reads and idempotent verbs, a connection that was never established,
 * or a v2 send carrying `msg_seq` (the platform deduplicates it).
 */
export function isSafeToRetryAfterNetworkError(request: RestRequest, cause: unknown): boolean {
  if (request.method === 'GET' || request.method === 'PUT' || request.method === 'DELETE') return true
  const code = (cause as { code?: string })?.code
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT') return true
  return typeof request.body === 'object' && request.body !== null && 'msg_seq' in request.body
}
