import type { TokenProvider } from '../auth/access-token-manager.js'
import type { Metrics } from '../metrics/metrics.js'
import type { IdentifyLimiter } from './identify-limiter.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'

export interface HandshakeOptions {
  /** Hello and READY/RESUMED must arrive within this after connecting. Default 30 s. */
  handshakeTimeoutMs?: number
}

export interface HandshakeParts extends HandshakeOptions {
  shardId: number
  shardCount: number
  intents: number
  tokens: TokenProvider
  limiter: IdentifyLimiter
  metrics: Metrics
}

/** Sends on the connection that asked, unless it was replaced meanwhile (then false, and nothing is sent). */
export type Transmit = (payload: GatewayPayload) => boolean

/**
 * The opening of a connection (docs/protocol.md, identify and resume): IDENTIFY with a slot from the limiter
 * (taken before the socket opens, so waiting for it never runs into the deadline) or RESUME with the session,
 * each with a fresh token, and the deadline by which READY or RESUMED must arrive. Remembers the token sent,
 * to invalidate it when the gateway rejects it (4004).
 */
export class Handshake {
  /** Also the WebSocket opening handshake's timeout. */
  readonly timeoutMs: number
  private deadline: NodeJS.Timeout | undefined
  private slotHeld = false
  private tokenInUse: string | undefined

  constructor(private readonly parts: HandshakeParts) {
    this.timeoutMs = parts.handshakeTimeoutMs ?? 30_000
  }

  get holdsSlot(): boolean {
    return this.slotHeld
  }

  /** Waits for this shard's turn to identify; rejects when the limiter fails or `signal` aborts. */
  async takeSlot(signal: AbortSignal): Promise<void> {
    await this.parts.limiter.acquire(this.parts.shardId, signal)
    this.slotHeld = true
  }

  /** Starts the clock on a new connection: `expired` runs unless READY or RESUMED stops it in time. */
  startDeadline(expired: () => void): void {
    this.deadline = setTimeout(expired, this.timeoutMs)
  }

  stopDeadline(): void {
    clearTimeout(this.deadline)
    this.deadline = undefined
  }

  /** Sends IDENTIFY, using up the identify slot. */
  async identify(transmit: Transmit): Promise<void> {
    this.slotHeld = false
    const token = await this.parts.tokens.getToken()
    const sent = transmit({
      op: GatewayOp.IDENTIFY,
      d: {
        token: `QQBot ${token}`,
        intents: this.parts.intents,
        shard: [this.parts.shardId, this.parts.shardCount],
        properties: { $os: process.platform, $browser: 'qqbot', $device: 'qqbot' },
      },
    })
    if (!sent) return
    this.tokenInUse = token
    this.parts.metrics.inc('gateway_identifies')
  }

  /** Sends RESUME for `sessionId` from `seq()`, the last seq received when the token is there. */
  async resume(sessionId: string, seq: () => number, transmit: Transmit): Promise<void> {
    const token = await this.parts.tokens.getToken()
    if (transmit({ op: GatewayOp.RESUME, d: { token: `QQBot ${token}`, session_id: sessionId, seq: seq() } }))
      this.tokenInUse = token
  }

  /** The gateway rejected the token (4004): the next handshake fetches a new one. */
  rejectToken(): void {
    if (this.tokenInUse) this.parts.tokens.invalidate(this.tokenInUse)
  }
}
