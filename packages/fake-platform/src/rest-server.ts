import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultResponse, RestFaults } from './faults.js'
import { errorBody, flattenHeaders, isRecord, parseBody, readBody, writeResponse } from './http-util.js'
import { randomHex } from './ids.js'
import type { RecordedCall } from './records.js'
import { handleRoute, type RestContext, type RouteResult } from './rest-routes.js'
import { delay } from './time.js'
import type { TokenService } from './token-service.js'

/** Path of the access token endpoint (served on the same origin as REST). */
export const TOKEN_PATH = '/app/getAppAccessToken'

/** Everything the REST request pipeline needs. */
export interface RestServerDeps extends RestContext {
  /** Token issuance and validation. */
  readonly tokens: TokenService
  /** Armed fault responses. */
  readonly faults: RestFaults
  /** Current artificial latency in ms. */
  readonly latencyMs: () => number
}

/**
 * Returns the `request` listener implementing the REST pipeline: read body → latency →
 * fault injection → token endpoint or auth + routes → record → respond.
 */
export function createRestHandler(deps: RestServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      const traceId = randomHex(16)
      writeResponse(res, 500, errorBody(traceId, 500, `fake platform error: ${String(error)}`), traceId)
    })
  }
}

async function handle(deps: RestServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const at = Date.now()
  const traceId = randomHex(16)
  const method = (req.method ?? 'GET').toUpperCase()
  const url = new URL(req.url ?? '/', 'http://fake-platform.local')
  const path = url.pathname
  const query = Object.fromEntries(url.searchParams)
  const headers = flattenHeaders(req.headers)
  const body = parseBody(await readBody(req))
  if (path === TOKEN_PATH) deps.tokens.requests += 1

  const latency = deps.latencyMs()
  if (latency > 0) await delay(latency)

  const fault = deps.faults.take(method, path)
  let status: number
  let response: unknown
  if (fault) {
    response = faultResponseBody(fault, traceId)
    status = fault.status
    writeResponse(res, status, response, traceId, fault.headers)
  } else {
    const result = respond(deps, { method, path, query, headers, body, traceId })
    status = result.status
    response = result.body
    writeResponse(res, status, result.body, traceId)
  }

  const call: RecordedCall = { method, path, query, headers, body, status, at, traceId, injected: fault !== undefined }
  if (response !== undefined) call.response = response
  const unionAppId = headers['x-union-appid']
  if (unionAppId !== undefined) call.unionAppId = unionAppId
  deps.recorder.recordCall(call)
}

function faultResponseBody(fault: FaultResponse, traceId: string): unknown {
  if (fault.body !== undefined) return fault.body
  return fault.status >= 400 ? errorBody(traceId, fault.status, 'injected fault') : undefined
}

interface ParsedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  body: unknown
  traceId: string
}

function respond(deps: RestServerDeps, req: ParsedRequest): RouteResult {
  if (req.path === TOKEN_PATH) {
    if (req.method !== 'POST') return { status: 405, body: errorBody(req.traceId, 405, 'method not allowed') }
    const body = isRecord(req.body) ? req.body : {}
    const grant = deps.tokens.request(body.appId, body.clientSecret)
    return grant
      ? { status: 200, body: grant }
      : { status: 401, body: { code: 100016, message: 'invalid appid or secret' } }
  }
  const auth = req.headers.authorization
  if (auth === undefined || auth.trim() === '') {
    return { status: 401, body: errorBody(req.traceId, 11241, 'token missing') }
  }
  if (/^Bot\s/i.test(auth)) {
    return { status: 401, body: errorBody(req.traceId, 11245, '固定Token已禁用，请使用AccessToken鉴权') }
  }
  const match = /^QQBot (\S+)$/.exec(auth.trim())
  if (!match?.[1] || !deps.tokens.isValid(match[1])) {
    return { status: 401, body: errorBody(req.traceId, 11244, 'token not exist or expire') }
  }
  return handleRoute(req, deps)
}
