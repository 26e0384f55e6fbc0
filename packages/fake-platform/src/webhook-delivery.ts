import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto'
import { payloadText } from './raw-json.js'

/** What the bot's endpoint answered. */
export interface WebhookReply {
  status: number
  /** Parsed JSON when possible, raw text otherwise. */
  body: unknown
}

export interface DeliverOptions {
  /** Event id (top-level `id`); default `${t}:<random>`. */
  id?: string
  /** Override the signature timestamp (seconds), e.g. to test replay windows. */
  timestamp?: number
}

/** How the platform delivers again a dispatch it got no acknowledgement for. */
export interface RedeliveryOptions {
  /** Deliveries in all, the first one included. Default 10. */
  maxAttempts?: number
  /** Wait before each redelivery, in ms. Default 100. */
  delayMs?: number
}

/**
 * The platform's side of HTTP-callback delivery: signs payloads with the Ed25519 key derived from the bot's
 * secret and POSTs them with the platform's headers. Deliberately an implementation separate from the
 * framework's, so tests check one against the other.
 */
export class WebhookDeliverer {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject

  constructor(
    private readonly appId: string,
    secret: string,
    private readonly now: () => number = Date.now,
    /** Told of every dispatch delivered, before it is sent. */
    private readonly onDeliver?: (t: string, id: string, d: unknown) => void,
  ) {
    let seed = secret
    while (Buffer.byteLength(seed) < 32) seed += secret
    const der = Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(seed).subarray(0, 32),
    ])
    this.privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    this.publicKey = createPublicKey(this.privateKey)
  }

  /** Hex signature of `timestamp + body`, as `X-Signature-Ed25519` carries it. */
  sign(timestamp: string, body: string | Buffer): string {
    return sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), this.privateKey).toString('hex')
  }

  /** Signs and POSTs a dispatch `{id, op: 0, d, t}` to `url`. */
  deliver(url: string, t: string, d: unknown, options: DeliverOptions = {}): Promise<WebhookReply> {
    const id = options.id ?? `${t}:${randomBytes(8).toString('hex')}`
    this.onDeliver?.(t, id, d)
    return this.postSigned(url, payloadText({ id, op: 0, t }, d), options.timestamp)
  }

  /**
   * Delivers a dispatch the way the platform treats one it got no acknowledgement for (any answer but a 2xx
   * op 12, or no answer): again after `delayMs`, same id and body, signed anew, until it is acknowledged or
   * `maxAttempts` deliveries were made. Resolves with every answer in order (status 0: the request failed).
   */
  async deliverUntilAcknowledged(
    url: string,
    t: string,
    d: unknown,
    options: DeliverOptions & RedeliveryOptions = {},
  ): Promise<WebhookReply[]> {
    const id = options.id ?? `${t}:${randomBytes(8).toString('hex')}`
    this.onDeliver?.(t, id, d)
    const body = payloadText({ id, op: 0, t }, d)
    const maxAttempts = options.maxAttempts ?? 10
    const replies: WebhookReply[] = []
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 100))
      const reply = await this.postSigned(url, body, options.timestamp).catch((error: unknown): WebhookReply => ({
        status: 0,
        body: String(error),
      }))
      replies.push(reply)
      if (isAcknowledgement(reply)) break
    }
    return replies
  }

  /**
   * Delivers `count` events with at most `concurrency` requests in flight; resolves with every reply in order.
   * With `redelivery`, an event that was not acknowledged is delivered again as {@link deliverUntilAcknowledged}
   * does, and its last reply is the one returned.
   */
  async deliverBurst(
    url: string,
    count: number,
    make: (i: number) => { t: string; d: unknown },
    concurrency = 32,
    redelivery?: RedeliveryOptions,
  ): Promise<WebhookReply[]> {
    const replies: WebhookReply[] = new Array(count)
    let next = 0
    const worker = async () => {
      while (next < count) {
        const i = next++
        const event = make(i)
        replies[i] = redelivery
          ? (await this.deliverUntilAcknowledged(url, event.t, event.d, redelivery)).at(-1)!
          : await this.deliver(url, event.t, event.d)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
    return replies
  }

  /**
   * Runs the console's callback URL check (op 13) and verifies the answer with the bot's public key, as the
   * platform does before it accepts a callback URL.
   */
  async validate(
    url: string,
  ): Promise<{ reply: WebhookReply; plainToken: string; eventTs: string; signatureValid: boolean }> {
    const plainToken = randomBytes(10).toString('base64url')
    const eventTs = String(Math.floor(this.now() / 1000))
    const body = JSON.stringify({ op: 13, d: { plain_token: plainToken, event_ts: eventTs } })
    const timestamp = eventTs
    const reply = await this.post(url, body, {
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': this.sign(timestamp, body),
    })
    const answer = reply.body as { plain_token?: unknown; signature?: unknown }
    const signatureValid =
      answer?.plain_token === plainToken &&
      typeof answer.signature === 'string' &&
      verify(null, Buffer.from(eventTs + plainToken), this.publicKey, Buffer.from(answer.signature, 'hex'))
    return { reply, plainToken, eventTs, signatureValid }
  }

  /** POSTs raw bytes with the platform's headers plus `headers` (forged and malformed requests in tests). */
  async post(
    url: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
    method = 'POST',
  ): Promise<WebhookReply> {
    const response = await fetch(url, {
      method,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'QQBot-Callback',
        'x-bot-appid': this.appId,
        ...headers,
      },
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed }
  }

  private postSigned(url: string, body: string, timestampSeconds: number | undefined): Promise<WebhookReply> {
    const timestamp = String(timestampSeconds ?? Math.floor(this.now() / 1000))
    return this.post(url, body, {
      'x-signature-timestamp': timestamp,
      'x-signature-ed25519': this.sign(timestamp, body),
    })
  }
}

/** What the platform takes as "delivered": a 2xx answer whose body is an op 12 HTTP callback ACK. */
export function isAcknowledgement(reply: WebhookReply): boolean {
  return reply.status >= 200 && reply.status < 300 && (reply.body as { op?: unknown } | undefined)?.op === 12
}
