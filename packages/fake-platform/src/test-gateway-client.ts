import { WebSocket } from 'ws'

/** A gateway payload as received by {@link TestGatewayClient}. */
export interface ReceivedPayload {
  /** Opcode. */
  op: number
  /** Data. */
  d?: unknown
  /** Sequence number (dispatches only). */
  s?: number
  /** Event type (dispatches only). */
  t?: string
  /** Event id. */
  id?: string
}

/** How a {@link TestGatewayClient}'s socket closed. */
export interface CloseInfo {
  /** Close code (1006 when the connection died without a close frame). */
  code: number
  /** Close reason. */
  reason: string
}

interface Waiter {
  predicate: (payload: ReceivedPayload) => boolean
  resolve: (payload: ReceivedPayload) => void
}

/**
 * A minimal gateway client for this package's own tests: it collects every payload and lets
 * a test await the next payload (in order) or the close. Not part of the public API.
 */
export class TestGatewayClient {
  /** Every payload received, in order. */
  readonly received: ReceivedPayload[] = []
  /** Resolves when the socket closes. */
  readonly closed: Promise<CloseInfo>
  private readIndex = 0
  private waiter: Waiter | undefined

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
    })
    ws.on('error', () => {
      // Surfaced through `closed`.
    })
    ws.on('message', (data) => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString() : data.toString()
      this.received.push(JSON.parse(text) as ReceivedPayload)
      this.drain()
    })
  }

  /** Opens a socket to `url` and resolves once it is open. */
  static connect(url: string): Promise<TestGatewayClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      const client = new TestGatewayClient(ws)
      ws.once('open', () => resolve(client))
      ws.once('error', reject)
    })
  }

  /** Resolves with the next unread payload (optionally the next one matching `predicate`, skipping others). */
  next(predicate: (payload: ReceivedPayload) => boolean = () => true, timeoutMs = 3000): Promise<ReceivedPayload> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined
        reject(
          new Error(`no matching payload within ${timeoutMs} ms; received ${JSON.stringify(this.received.slice(-5))}`),
        )
      }, timeoutMs)
      this.waiter = {
        predicate,
        resolve: (payload) => {
          clearTimeout(timer)
          resolve(payload)
        },
      }
      this.drain()
    })
  }

  /** Sends a JSON payload (or raw text). */
  send(payload: unknown): void {
    this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload))
  }

  /** Sends Identify with `QQBot <token>`. */
  identify(token: string, shard: [number, number] = [0, 1], intents = 1 << 30): void {
    this.send({ op: 2, d: { token: `QQBot ${token}`, intents, shard, properties: {} } })
  }

  /** Sends Resume with `QQBot <token>`. */
  resume(token: string, sessionId: string, seq: number): void {
    this.send({ op: 6, d: { token: `QQBot ${token}`, session_id: sessionId, seq } })
  }

  /** Closes the socket cleanly and waits for the close to finish. */
  async close(code = 1000): Promise<CloseInfo> {
    this.ws.close(code)
    return this.closed
  }

  private drain(): void {
    while (this.waiter && this.readIndex < this.received.length) {
      const payload = this.received[this.readIndex]
      this.readIndex += 1
      if (payload && this.waiter.predicate(payload)) {
        const waiter = this.waiter
        this.waiter = undefined
        waiter.resolve(payload)
      }
    }
  }
}
