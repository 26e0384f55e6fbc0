import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import { ConfigError } from '../errors/qqbot-error.js'
import { parseJsonLossless } from '../events/lossless-json.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventSink } from '../pipeline/event-envelope.js'
import { RepeatedFailureLog } from '../logging/repeated-failure-log.js'
import { GatewayOp, type GatewayPayload } from '../gateway/opcodes.js'
import { deriveWebhookKeys, signHex, verifyWebhookSignature, type WebhookKeys } from './webhook-keys.js'
import { WebhookAdmission, type Admission, type WebhookAdmissionOptions } from './webhook-admission.js'

/** A callback request, independent of the HTTP framework that received it. */
export interface WebhookRequest {
  method: string
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>
  /** The body exactly as received: signatures are over these bytes. */
  body: Buffer
  /** `performance.now()` when the request arrived (the ACK budget counts from it). Default: when `handle` is called. */
  arrivedAt?: number
}

export interface WebhookResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export interface WebhookHandlerOptions extends WebhookAdmissionOptions {
  secret: string
  logger: Logger
  metrics: Metrics
  /** Reject callbacks whose `X-Signature-Timestamp` is further than this from now. Default 300 s; `Infinity` disables. */
  maxSkewSeconds?: number
  /** Largest body accepted, default 1 MiB. */
  maxBodyBytes?: number
  now?: () => number
}

/** Why a callback was refused, as counted in `webhook_rejected{reason}`. */
export type WebhookRejection = 'method' | 'content_type' | 'too_large' | 'signature' | 'timestamp' | 'malformed'

/** Why a valid event was not taken (503, the platform delivers it again), as counted in `webhook_refused{reason}`. */
export type WebhookRefusal = 'at_cap' | 'stopping'

const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json' }) as Record<string, string>
const ACK = JSON.stringify({ op: GatewayOp.HTTP_CALLBACK_ACK, d: 0 })
/** The op 12 answer, one object for every ACK: nothing writes to a response after it is made. */
const ACK_RESPONSE: WebhookResponse = Object.freeze({ status: 200, headers: JSON_HEADERS, body: ACK })

/**
 * Handles one platform callback: checks method, content type and size, verifies the Ed25519 signature over
 * the raw body before parsing anything, answers callback validation (op 13), and pushes dispatches (op 0)
 * into the same pipeline the gateway feeds, acknowledging with op 12 within the ACK budget: a slow handler
 * never holds the platform's request, and a failing one never turns into a 5xx. Past the hard cap of
 * unfinished events a dispatch is refused with 503 instead, untouched, so the platform's redelivery runs.
 */
export class WebhookHandler {
  readonly maxBodyBytes: number
  private readonly keys: WebhookKeys
  private readonly admission: WebhookAdmission
  private readonly maxSkewSeconds: number
  private readonly now: () => number
  private sink: EventSink | undefined
  /** Every refusal is counted; the log gets the first of each reason, then one line per interval with the count. */
  private readonly rejections: RepeatedFailureLog

  constructor(private readonly options: WebhookHandlerOptions) {
    if ((options as { maxAckDelayMs?: unknown }).maxAckDelayMs !== undefined)
      throw new ConfigError(
        'webhook.maxAckDelayMs is gone: an ACK is never held past webhook.ackBudgetMs (default 50 ms), and past ' +
          'webhook.maxPendingEvents the endpoint answers 503 so the platform redelivers. Use those (docs/webhook.md).',
      )
    this.keys = deriveWebhookKeys(options.secret)
    this.admission = new WebhookAdmission(options, options.metrics)
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
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
    return this.answer(request)
  }

  /**
   * {@link handle}, answering with a plain value whenever the answer is ready in this tick (everything but an ACK
   * held near the cap of pending events), so a server writes the ACK right after the event is queued.
   */
  answer(request: WebhookRequest): WebhookResponse | Promise<WebhookResponse> {
    const arrivedAt = request.arrivedAt ?? performance.now()
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
        return this.dispatch(payload, arrivedAt)
      case GatewayOp.HEARTBEAT:
        return {
          status: 200,
          headers: JSON_HEADERS,
          body: JSON.stringify({ op: GatewayOp.HEARTBEAT_ACK, d: payload.d ?? null }),
        }
      default:
        this.options.logger.debug({ op: payload.op }, 'acknowledged a webhook callback with an unknown opcode')
        return ACK_RESPONSE
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

  private dispatch(payload: GatewayPayload, arrivedAt: number): WebhookResponse | Promise<WebhookResponse> {
    // Not started (or stopping): let the platform deliver it again later rather than lose it.
    const sink = this.sink
    if (!sink) return this.refuse('stopping', 'The bot is not accepting events right now.')
    if (typeof payload.t !== 'string') return this.reject('malformed', 400, 'A dispatch needs t.')
    const envelope = {
      name: payload.t,
      id: payload.id,
      data: payload.d,
      seq: payload.s,
      source: 'webhook',
      receivedAt: Date.now(),
    }
    const admission = this.admission.admit(sink, envelope, arrivedAt)
    return typeof admission === 'string' ? this.admitted(admission) : admission.then(this.admittedLater)
  }

  private admitted(admission: Admission): WebhookResponse {
    if (admission === 'queued') return ACK_RESPONSE
    return this.refuse(
      'at_cap',
      `The bot has ${this.admission.maxPendingEvents} events unfinished; send it again later.`,
    )
  }

  private readonly admittedLater = (admission: Admission) => this.admitted(admission)

  /** 503: the event was not taken; the platform delivers what it got no ACK for again. Logged sampled, at the cap only. */
  private refuse(reason: WebhookRefusal, message: string): WebhookResponse {
    this.options.metrics.inc('webhook_refused', { reason })
    if (reason === 'at_cap')
      this.rejections.failed(
        'at_cap',
        'warn',
        { reason, maxPendingEvents: this.admission.maxPendingEvents },
        'refused a webhook event with 503: handlers are behind by webhook.maxPendingEvents events; the platform will deliver it again',
      )
    return { status: 503, headers: JSON_HEADERS, body: JSON.stringify({ message }) }
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
