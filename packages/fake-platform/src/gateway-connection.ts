import type { Socket } from 'node:net'
import { WebSocket } from 'ws'
import { closeInvalidatesSession, GatewayCloseCode, GatewayOp } from './gateway-codes.js'
import type { GatewayObservers } from './gateway-observers.js'
import type { GatewayStats, SocketBacklog } from './gateway-types.js'
import { payloadText, RawJson } from './raw-json.js'
import type { SessionLog } from './session-log.js'
import type { ShardSlot, ShardSlots } from './shard-slots.js'

/** Above this many buffered bytes on a socket, the server stops sending and waits. */
export const SEND_HIGH_WATER_BYTES = 4 * 1024 * 1024

/** A burst waits while more logged events than this are not yet handed to the socket. */
const MAX_UNSENT_EVENTS = 4096

/** How long a paused send loop waits before looking at the socket's buffer again. */
const SEND_RETRY_MS = 2

/** `hello`: no session yet; `resuming`: replaying the log before RESUMED; `ready`: live. */
export type ConnectionPhase = 'hello' | 'ready' | 'resuming'

/** What every connection shares with the rest of the gateway. */
export interface GatewayContext {
  readonly stats: GatewayStats
  readonly observers: GatewayObservers
  readonly slots: ShardSlots<GatewayConnection>
}

/**
 * One accepted gateway socket: its place in the protocol (phase, bound slot and session, how far
 * the session log was handed to it) and everything sent on it, with send backpressure.
 */
export class GatewayConnection {
  /** The slot this connection identified or resumed into. */
  slot: ShardSlot<GatewayConnection> | undefined
  /** The session this connection serves (undefined before identify/resume and after op 9). */
  session: SessionLog | undefined
  phase: ConnectionPhase = 'hello'
  /** Highest seq handed to `ws.send`. */
  cursor = 0
  /** While resuming: the seq after which RESUMED is sent. */
  resumeTarget: number | undefined
  /** True once the server sent a close frame (a client close code is then not counted). */
  closedByServer = false
  private pumpTimer: NodeJS.Timeout | undefined
  private reconnectTimer: NodeJS.Timeout | undefined

  constructor(
    readonly ws: WebSocket,
    readonly socket: Socket,
    private readonly context: GatewayContext,
  ) {}

  /** True while the WebSocket is open. */
  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN
  }

  /** Sends a payload as JSON if the socket is open; returns whether it was sent. */
  send(payload: unknown): boolean {
    if (!this.isOpen) return false
    this.ws.send(JSON.stringify(payload))
    this.context.observers.emitFrame('out', payload)
    return true
  }

  /** Binds this connection to `slot` as the server of `session`, displacing (and killing) any other. */
  bind(slot: ShardSlot<GatewayConnection>, session: SessionLog): void {
    if (slot.connection && slot.connection !== this) slot.connection.kick()
    if (this.slot && this.slot !== slot) this.unbind()
    slot.connection = this
    this.slot = slot
    this.session = session
  }

  /** Detaches this connection from its slot (the session itself stays as it is). */
  unbind(): void {
    if (this.slot?.connection === this) this.slot.connection = undefined
    this.slot = undefined
    this.session = undefined
    this.resumeTarget = undefined
  }

  /** True while this connection is open and serves `session`. */
  serves(session: SessionLog | undefined): boolean {
    return session !== undefined && this.session === session && this.isOpen
  }

  /**
   * Hands every logged event after the cursor to `ws.send`, in order, pausing while the socket's
   * buffer is above {@link SEND_HIGH_WATER_BYTES}. Sends RESUMED once a resume replay caught up.
   */
  pump(): void {
    const session = this.session
    if (!session || this.phase === 'hello') return
    for (;;) {
      if (!this.isOpen) return
      if (this.resumeTarget !== undefined && this.cursor >= this.resumeTarget) {
        this.resumeTarget = undefined
        this.phase = 'ready'
        this.send({ op: GatewayOp.Dispatch, t: 'RESUMED', d: '' })
        this.context.observers.changed()
      }
      if (this.cursor >= session.lastSeq) return
      if (this.ws.bufferedAmount > SEND_HIGH_WATER_BYTES) {
        this.pumpTimer ??= setTimeout(() => {
          this.pumpTimer = undefined
          this.pump()
        }, SEND_RETRY_MS)
        return
      }
      const entry = session.entryAfter(this.cursor)
      if (!entry) {
        this.cursor = session.lastSeq
        continue
      }
      const frame = { op: GatewayOp.Dispatch, s: entry.s, t: entry.t, id: entry.id, d: entry.d }
      this.ws.send(
        entry.d instanceof RawJson
          ? payloadText({ op: frame.op, s: frame.s, t: frame.t, id: frame.id }, entry.d)
          : JSON.stringify(frame),
      )
      this.context.observers.emitFrame('out', frame)
      this.cursor = entry.s
      if (entry.s > session.maxHanded) session.maxHanded = entry.s
    }
  }

  /** True while a burst should wait: too many bytes buffered or too many events not yet handed over. */
  isBacklogged(): boolean {
    const unsent = this.session ? this.session.lastSeq - this.cursor : 0
    return this.ws.bufferedAmount > SEND_HIGH_WATER_BYTES || unsent >= MAX_UNSENT_EVENTS
  }

  /** Bytes buffered on the socket and events of its session not yet handed to it. */
  backlog(): SocketBacklog {
    return {
      bufferedBytes: this.ws.bufferedAmount,
      unsentEvents: this.session ? this.session.lastSeq - this.cursor : 0,
    }
  }

  /**
   * Closes with a close frame. A code that invalidates sessions (see {@link closeInvalidatesSession})
   * also invalidates the session this connection serves, if it is still its slot's.
   */
  close(code: number, reason: string): void {
    const { stats, slots, observers } = this.context
    stats.closesSent.push(code)
    this.closedByServer = true
    if (closeInvalidatesSession(code) && this.slot && this.session && this.slot.session === this.session) {
      slots.invalidateSession(this.slot)
    }
    this.ws.close(code, reason)
    observers.changed()
  }

  /** Sends op 7, then closes with 4009 after `closeDelayMs` unless the socket closed first. */
  requestReconnect(closeDelayMs: number): void {
    this.send({ op: GatewayOp.Reconnect })
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      if (this.isOpen) this.close(GatewayCloseCode.SessionTimedOut, 'session timed out')
    }, closeDelayMs)
  }

  /** Sends op 9 (`d: false`) and drops the session; the socket stays open for a new identify. */
  sendInvalidSession(): void {
    this.send({ op: GatewayOp.InvalidSession, d: false })
    this.session = undefined
    this.phase = 'hello'
    this.resumeTarget = undefined
  }

  /** Detaches from the slot and kills the socket: another socket took this one's place. */
  kick(): void {
    this.unbind()
    this.ws.terminate()
  }

  /** Cancels pending sends and the reconnect close (the socket closed or the gateway shuts down). */
  stopTimers(): void {
    clearTimeout(this.pumpTimer)
    clearTimeout(this.reconnectTimer)
  }
}
