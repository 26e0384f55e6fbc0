import { GatewayOp, type GatewayPayload } from './opcodes.js'

/** Used when Hello carries no usable `heartbeat_interval`. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 45_000

export interface HeartbeatHooks {
  send(payload: GatewayPayload): void
  /** The last seq received, sent in `d` of each beat. */
  seq(): number
  /** True while the socket is not read (held frames reached their budget). */
  readingPaused(): boolean
  /** A beat is due and the previous one has no ACK while nothing else arrived: a dead (half-open) connection. */
  zombie(): void
}

/** The heartbeat interval Hello asks for (docs/protocol.md, Hello). */
export function heartbeatInterval(hello: GatewayPayload): number {
  const interval = (hello.d as { heartbeat_interval?: unknown } | undefined)?.heartbeat_interval
  return typeof interval === 'number' && interval > 0 ? interval : DEFAULT_HEARTBEAT_INTERVAL_MS
}

/**
 * Heartbeats one connection on the interval from Hello, measures the round trip, and notices a zombie: a
 * beat without ACK and nothing else read since. A connection still delivering frames is alive, its ACK only
 * behind them; one not read (or not for a while) since the beat may have its ACK sitting unread.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined
  private awaitingAck = false
  private lastBeatAt = 0
  private latency: number | undefined
  /** The socket was not read at some point since the last beat: its ACK may still be unread. */
  private pausedSinceBeat = false
  /** Frames read since the last beat. */
  private framesSinceBeat = 0

  constructor(private readonly hooks: HeartbeatHooks) {}

  /** Round trip of the last beat, ms. */
  get latencyMs(): number | undefined {
    return this.latency
  }

  start(intervalMs: number): void {
    clearInterval(this.timer)
    this.awaitingAck = false
    this.timer = setInterval(() => {
      if (this.awaitingAck && this.framesSinceBeat === 0 && !this.hooks.readingPaused() && !this.pausedSinceBeat)
        return this.hooks.zombie()
      this.beat()
    }, intervalMs)
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Sends a beat now (on the interval, or when the server asks with op 1). */
  beat(): void {
    this.awaitingAck = true
    this.pausedSinceBeat = this.hooks.readingPaused()
    this.framesSinceBeat = 0
    this.lastBeatAt = Date.now()
    const seq = this.hooks.seq()
    this.hooks.send({ op: GatewayOp.HEARTBEAT, d: seq > 0 ? seq : null })
  }

  acked(): void {
    this.awaitingAck = false
    this.latency = Date.now() - this.lastBeatAt
  }

  /** Any frame read, well-formed or not: the connection is alive. */
  frameRead(): void {
    this.framesSinceBeat++
  }

  /** The socket stopped being read. */
  readingStopped(): void {
    this.pausedSinceBeat = true
  }
}
