import type { Logger } from 'pino'
import { parseJsonLossless } from '../events/lossless-json.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventSink } from '../pipeline/event-envelope.js'
import { RepeatedFailureLog } from '../logging/repeated-failure-log.js'
import { GatewayOp, type GatewayPayload } from '../gateway/opcodes.js'
import { deriveWebhookKeys, signHex, verifyWebhookSignature, type WebhookKeys } from './webhook-keys.js'

/** A callback request, independent of the HTTP framework that received it. */
export interface WebhookRequest {
  method: string
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>
  /** The body exactly as received: signatures are over these bytes. */
  body: Buffer
}

export interface WebhookResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface WebhookHandlerOptions {
  secret: string
  logger: Logger
  metrics: Metrics
  /** Reject callbacks whose `X-Signature-Timestamp` is further than this from now. Default 300 s; `Infinity` disables. */
  maxSkewSeconds?: number
  /** Largest body accepted, default 1 MiB. */
  maxBodyBytes?: number
  /** When the pipeline is saturated, hold the ACK at most this long for it to drain (backpressure on the platform). Default 5 s. */
  maxAckDelayMs?: number
  now?: () => number
}

/** Why a callback was refused, as counted in `webhook_rejected{reason}`. */
export type WebhookRejection = 'method' | 'content_type' | 'too_large' | 'signature' | 'timestamp' | 'malformed'

const JSON_HEADERS = { 'content-type': 'application/json' }
const ACK = JSON.stringify({ op: GatewayOp.HTTP_CALLBACK_ACK, d: 0 })

/**
 * Handles one platform callback: checks method, content type and size, verifies the Ed25519 signature over
 * the raw body before parsing anything, answers callback validation (op 13), and pushes dispatches (op 0)
 * into the same pipeline the gateway feeds, acknowledging with op 12 at once: a slow handler never holds
 * the platform's request, and a failing one never turns into a 5xx.
 */
export class WebhookHandler {
  readonly maxBodyBytes: number
  private readonly keys: WebhookKeys
  private readonly maxAckDelayMs: number
  private readonly maxSkewSeconds: number
  private readonly now: () => number
  private sink: EventSink | undefined
  /** Every refusal is counted; the log gets the first of each reason, then one line per interval with the count. */
  private readonly rejections: RepeatedFailureLog

  constructor(private readonly options: WebhookHandlerOptions) {
    this.keys = deriveWebhookKeys(options.secret)
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
    this.maxAckDelayMs = options.maxAckDelayMs ?? 5_000
    this.maxSkewSeconds = options.maxSkewSeconds ?? 300
    this.now = options.now ?? Date.now
    this.rejections = new RepeatedFailureLog(options.logger, { now: this.now })
  }

  /** The 413 answer, for servers that stop reading an oversized body early. */
  tooLarge(): WebhookResponse {
    return this.reject('too_large', 413, `The body exceeds ${this.maxBodyBytes} bytes.`)
  }

  /** Connects the handler to the event pipeline (done by the source's `start`). */
  attach(sink: EventSink | undefined): void {
    this.sink = sink
  }

  async handle(request: WebhookRequest): Promise<WebhookResponse> {
    if (request.method !== 'POST') return this.reject('method', 405, 'Use POST.', { allow: 'POST' })
    const contentType = header(request.headers, 'content-type')
    if (contentType !== undefined && !contentType.toLowerCase().includes('json'))
      return this.reject('content_type', 415, 'The body must be JSON.')
    if (request.body.length > this.maxBodyBytes) return this.tooLarge()
    const signature = header(request.headers, 'x-signature-ed25519')
    const timestamp = header(request.headers, 'x-signature-timestamp')
    if (!signature || !timestamp || !verifyWebhookSignature(this.keys.publicKey, timestamp, request.body, signature)) {
      return this.reject('signature', 401, 'Missing or invalid X-Signature-Ed25519.')
    }
    if (!this.timestampFresh(timestamp))
      return this.reject('timestamp', 401, 'X-Signature-Timestamp is outside the accepted window.')
    let payload: GatewayPayload
    try {
      payload = parseJsonLossless(request.body.toString('utf8')) as GatewayPayload
      if (typeof payload !== 'object' || payload === null || typeof payload.op !== 'number')
        throw new Error('not a payload')
    } catch {
      return this.reject('malformed', 400, 'The body is not a platform payload.')
    }
    this.options.metrics.inc('webhook_requests', { op: payload.op })
    switch (payload.op) {
      case GatewayOp.CALLBACK_VALIDATION:
        return this.validation(payload)
      case GatewayOp.DISPATCH:
        return this.dispatch(payload)
      case GatewayOp.HEARTBEAT:
        return {
          status: 200,
          headers: JSON_HEADERS,
          body: JSON.stringify({ op: GatewayOp.HEARTBEAT_ACK, d: payload.d ?? null }),
        }
      default:
        this.options.logger.debug({ op: payload.op }, 'acknowledged a webhook callback with an unknown opcode')
        return { status: 200, headers: JSON_HEADERS, body: ACK }
    }
  }

  /** op 13: prove we hold the secret by signing `event_ts + plain_token`. */
  private validation(payload: GatewayPayload): WebhookResponse {
    const d = (payload.d ?? {}) as { plain_token?: unknown; event_ts?: unknown }
    if (typeof d.plain_token !== 'string' || (typeof d.event_ts !== 'string' && typeof d.event_ts !== 'number')) {
      return this.reject('malformed', 400, 'Callback validation needs d.plain_token and d.event_ts.')
    }
    const signature = signHex(this.keys.privateKey, `${d.event_ts}${d.plain_token}`)
    this.options.logger.info('answered the platform callback URL validation (op 13)')
    return { status: 200, headers: JSON_HEADERS, body: JSON.stringify({ plain_token: d.plain_token, signature }) }
  }

  private async dispatch(payload: GatewayPayload): Promise<WebhookResponse> {
    const sink = this.sink
    if (!sink) {
      // Not started (or stopping): let the platform deliver it again later rather than lose it.
      return {
        status: 503,
        headers: JSON_HEADERS,
        body: JSON.stringify({ message: 'The bot is not accepting events right now.' }),
      }
    }
    if (typeof payload.t !== 'string') return this.reject('malformed', 400, 'A dispatch needs t.')
    const accepted = sink.push({
      name: payload.t,
      id: payload.id,
      data: payload.d,
      seq: payload.s,
      source: 'webhook',
      receivedAt: Date.now(),
    })
    if (!accepted) await this.drainOrTimeout(sink)
    return { status: 200, headers: JSON_HEADERS, body: ACK }
  }

  /** The event is queued either way; holding the ACK slows the platform down while handlers catch up. */
  private drainOrTimeout(sink: EventSink): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.maxAckDelayMs)
      const unsubscribe = sink.onDrain(done)
      function done() {
        clearTimeout(timer)
        unsubscribe()
        resolve()
      }
    })
  }

  private timestampFresh(timestamp: string): boolean {
    const maxSkew = this.maxSkewSeconds
    if (!Number.isFinite(maxSkew)) return true
    const seconds = Number(timestamp)
    if (!Number.isFinite(seconds)) return false
    const now = this.now() / 1000
    return Math.abs(now - seconds) <= maxSkew
  }

  private reject(
    reason: WebhookRejection,
    status: number,
    message: string,
    extraHeaders: Record<string, string> = {},
  ): WebhookResponse {
    this.options.metrics.inc('webhook_rejected', { reason })
    this.rejections.failed(reason, 'warn', { reason, status }, `rejected a webhook request: ${message}`)
    return { status, headers: { ...JSON_HEADERS, ...extraHeaders }, body: JSON.stringify({ message }) }
  }
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
