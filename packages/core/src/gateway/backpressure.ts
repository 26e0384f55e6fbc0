import type { EventSink } from '../pipeline/event-envelope.js'
import { HeldFrames } from './held-frames.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'

/** Dispatches held while handlers are behind, in bytes of frames, before the socket is no longer read. */
const READ_AHEAD_BYTES = 512 * 1024

export interface BackpressureHooks {
  /** The socket being read, if the shard has one. */
  socket(): { pause(): void; resume(): void } | undefined
  /** Handles a frame now (one read earlier and held, once the sink takes events again). */
  handle(payload: GatewayPayload): void
  stopping(): boolean
  /** The socket stopped being read (the heartbeat must not take the missing ACK for a zombie). */
  readingStopped(): void
}

/**
 * What a shard does while its handlers are behind (the sink is full): dispatches read from the socket wait
 * here in order, heartbeat traffic goes ahead of them, and past a read-ahead budget the socket is not read
 * until the sink drains.
 */
export class Backpressure {
  /** The sink is full: dispatches are held until it drains. */
  private sinkFull = false
  private readonly held = new HeldFrames(READ_AHEAD_BYTES)
  /** The socket is not read (the held frames reached their budget). */
  private socketPaused = false
  private unsubscribeDrain: (() => void) | undefined

  constructor(
    private readonly sink: EventSink,
    private readonly hooks: BackpressureHooks,
  ) {}

  /** True while handlers are behind and dispatches wait. */
  get behind(): boolean {
    return this.sinkFull
  }

  get readingPaused(): boolean {
    return this.socketPaused
  }

  /**
   * Holds `payload` if it must wait behind earlier dispatches (true), or leaves it to be handled now (false).
   * Heartbeat traffic never waits: a busy shard is not a zombie.
   */
  hold(payload: GatewayPayload, bytes: number): boolean {
    if (payload.op === GatewayOp.HEARTBEAT_ACK || payload.op === GatewayOp.HEARTBEAT) return false
    if (!this.sinkFull && this.held.size === 0) return false
    this.held.push(payload, bytes)
    if (this.held.full) this.pauseSocket()
    return true
  }

  /** The sink refused an event: hold further dispatches (reading on, up to the budget) until it drains. */
  fallBehind(): void {
    if (this.sinkFull || !this.hooks.socket()) return
    this.sinkFull = true
    this.unsubscribeDrain = this.sink.onDrain(() => this.catchUp())
  }

  /**
   * The sink drained: hand over the held frames in order until it is full again; read the socket again below the
   * budget. With `connectionGone` the held frames are dropped instead: a RESUME replays them.
   */
  catchUp(connectionGone = false): void {
    this.sinkFull = false
    this.unsubscribeDrain?.()
    this.unsubscribeDrain = undefined
    if (connectionGone || this.hooks.stopping()) this.held.clear()
    while (!this.sinkFull && this.hooks.socket() && !this.hooks.stopping()) {
      const payload = this.held.shift()
      if (!payload) break
      this.hooks.handle(payload)
    }
    if (!this.held.full) this.resumeSocket()
  }

  /** The shard stops: stop waiting for the sink to drain. */
  stop(): void {
    this.unsubscribeDrain?.()
  }

  private pauseSocket(): void {
    const socket = this.hooks.socket()
    if (this.socketPaused || !socket) return
    this.socketPaused = true
    this.hooks.readingStopped()
    socket.pause()
  }

  private resumeSocket(): void {
    if (!this.socketPaused) return
    this.socketPaused = false
    this.hooks.socket()?.resume()
  }
}
