import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { GatewayConnection } from './gateway-connection.js'
import { closeInvalidatesSession } from './gateway-codes.js'
import { GatewayObservers } from './gateway-observers.js'
import { DEFAULT_RESUME_FAILURE_CODE, GatewayProtocol, type GatewayProtocolOptions } from './gateway-protocol.js'
import {
  emptyGatewayStats,
  type BurstEvent,
  type DispatchOptions,
  type DispatchResult,
  type GatewayFrameListener,
  type GatewayStats,
  type ShardStateInfo,
  type SocketBacklog,
} from './gateway-types.js'
import { randomHex } from './ids.js'
import { isReady, shardStateOf, socketBacklogOf } from './shard-inspection.js'
import { ShardSlots, type ShardSlotsOptions } from './shard-slots.js'
import { delay } from './time.js'

/** Path the gateway accepts WebSocket upgrades on. */
export const GATEWAY_PATH = '/websocket'

/** A burst checks backpressure after every this many events (and once at the end). */
const BURST_CHECK_EVERY = 256

/** Timeout of `waitForGateway` and `waitForReady` unless the caller names one. */
const DEFAULT_WAIT_MS = 5000

/** How long a waiting burst sleeps before looking at the socket again. */
const BURST_RETRY_MS = 2

/** What the gateway needs from the rest of the platform. */
export interface GatewayDeps extends GatewayProtocolOptions, ShardSlotsOptions {
  /** Delay between op 7 and the server's own 4009 close. */
  reconnectCloseDelayMs: number
  /** Told of every event dispatched (logged for a shard), before it goes out. */
  onDispatch?: (t: string, id: string, d: unknown) => void
}

/**
 * The WebSocket gateway as tests and `FakePlatform` see it: accepts sockets, dispatches events
 * (with backpressure for bursts), injects connection-level faults and answers inspection calls.
 * The protocol itself lives in {@link GatewayProtocol}, sockets in {@link GatewayConnection},
 * shard sessions in {@link ShardSlots}.
 */
export class GatewayServer {
  /** Live counters. */
  readonly stats: GatewayStats = emptyGatewayStats()
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  private readonly slots: ShardSlots<GatewayConnection>
  private readonly observers = new GatewayObservers(() => JSON.stringify(this.stats))
  private readonly protocol: GatewayProtocol
  private readonly reconnectCloseDelayMs: number
  private readonly onDispatch: (t: string, id: string, d: unknown) => void
  private closed = false

  constructor(deps: GatewayDeps) {
    this.slots = new ShardSlots({ logRetention: deps.logRetention })
    this.protocol = new GatewayProtocol(deps, { stats: this.stats, observers: this.observers, slots: this.slots })
    this.reconnectCloseDelayMs = deps.reconnectCloseDelayMs
    this.onDispatch = deps.onDispatch ?? (() => {})
  }

  /** Handles an HTTP upgrade; only {@link GATEWAY_PATH} is accepted. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://fake-platform.local').pathname
    if (this.closed || (path !== GATEWAY_PATH && path !== `${GATEWAY_PATH}/`)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (this.closed) ws.terminate()
      else this.protocol.accept(ws, socket as Socket)
    })
  }

  // ---------------------------------------------------------------- dispatch

  /**
   * Appends an event to the target shard's session log and sends it if a socket is bound.
   * Without a resumable session for that shard the event is queued and delivered (with seqs)
   * right after the next READY.
   */
  dispatch(t: string, d: unknown, opts: DispatchOptions = {}): DispatchResult {
    const id = opts.id ?? `${t}:${randomHex(8)}`
    this.onDispatch(t, id, d)
    const logged = this.slots.log({ shard: opts.shard ?? 0, count: opts.shardCount, t, id, d })
    if (!logged) return { id }
    const conn = logged.slot.connection
    if (conn?.serves(logged.slot.session)) conn.pump()
    return { id, seq: logged.entry.s }
  }

  /**
   * Dispatches `count` events made by `make`, waiting whenever the bound socket has more than
   * `SEND_HIGH_WATER_BYTES` buffered (or too many events are not yet handed to it), so
   * huge bursts do not balloon memory. Resolves with one result per dispatched event; stops
   * early (without rejecting) if the platform closes.
   */
  async dispatchBurst(
    count: number,
    make: (i: number) => BurstEvent,
    opts: Omit<DispatchOptions, 'id'> = {},
  ): Promise<DispatchResult[]> {
    const results: DispatchResult[] = []
    for (let i = 0; i < count; i++) {
      if (this.closed) break
      const event = make(i)
      const target: DispatchOptions = { ...opts }
      if (event.id !== undefined) target.id = event.id
      results.push(this.dispatch(event.t, event.d, target))
      if ((i + 1) % BURST_CHECK_EVERY === 0) await this.backpressure(opts)
    }
    await this.backpressure(opts)
    return results
  }

  // ---------------------------------------------------------------- fault injection

  /**
   * Closes the shard's socket with a clean close frame. For 4006, 4007 and 4900–4915 the
   * session is also invalidated, so a later resume gets 4006. Returns false if no socket was open.
   */
  closeConnection(shard: number, code: number, reason = ''): boolean {
    const slot = this.slots.find(shard, undefined, { anyCount: true })
    if (!slot) return false
    if (closeInvalidatesSession(code)) this.slots.invalidateSession(slot)
    const conn = slot.connection
    if (!conn?.isOpen) return false
    conn.close(code, reason)
    return true
  }

  /** Kills the shard's socket without a close frame (`ws.terminate()`). */
  dropConnection(shard = 0): boolean {
    const conn = this.liveConnection(shard)
    conn?.ws.terminate()
    return conn !== undefined
  }

  /** Resets the shard's TCP connection (RST via `socket.resetAndDestroy()`). */
  resetConnection(shard = 0): boolean {
    const conn = this.liveConnection(shard)
    conn?.socket.resetAndDestroy()
    return conn !== undefined
  }

  /**
   * Sends op 7, then closes with 4009 after `reconnectCloseDelayMs` unless the client closed
   * first. The session stays resumable.
   */
  requestReconnect(shard = 0): boolean {
    const conn = this.liveConnection(shard)
    conn?.requestReconnect(this.reconnectCloseDelayMs)
    return conn !== undefined
  }

  /** Sends `{op: 9, d: false}` and deletes the shard's session; the socket stays open. */
  invalidateSession(shard = 0): boolean {
    const slot = this.slots.find(shard, undefined, { anyCount: true })
    if (!slot) return false
    const conn = slot.connection
    this.slots.invalidateSession(slot)
    conn?.sendInvalidSession()
    this.observers.changed()
    return true
  }

  /**
   * Makes the next `count` resume attempts fail: the socket is closed with `code` (default 1011)
   * while the session stays valid, as when resume keeps failing for reasons of the platform's own.
   */
  failResumes(count: number, code = DEFAULT_RESUME_FAILURE_CODE): void {
    this.protocol.failResumes(count, code)
  }

  /** Enables or disables heartbeat ACKs (op 11). */
  setHeartbeatAck(enabled: boolean): void {
    this.protocol.setHeartbeatAck(enabled)
  }

  /** Sends an arbitrary text frame on the shard's socket. */
  sendRaw(shard: number, text: string): boolean {
    const conn = this.liveConnection(shard)
    conn?.ws.send(text)
    return conn !== undefined
  }

  // ---------------------------------------------------------------- inspection

  /** Observes every payload sent or received on any socket; returns an unsubscribe function. */
  onFrame(listener: GatewayFrameListener): () => void {
    return this.observers.onFrame(listener)
  }

  /** Snapshot of a shard (`count` defaults to the first shard count in use). */
  shardState(shard = 0, count?: number): ShardStateInfo {
    return shardStateOf(this.slots.find(shard, count, { anyCount: true }))
  }

  /** Bytes buffered and events not yet handed to the shard's socket (observes send backpressure). */
  socketBacklog(shard = 0, count?: number): SocketBacklog {
    return socketBacklogOf(this.slots.find(shard, count, { anyCount: true }))
  }

  /** Resolves with {@link stats} once `predicate` holds (checked on every gateway change). */
  async waitForGateway(
    predicate: (stats: GatewayStats) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<GatewayStats> {
    await this.observers.waitFor(() => predicate(this.stats), timeoutMs, 'waitForGateway')
    return this.stats
  }

  /** Resolves once `shardCount` shards have an open socket with a ready (READY/RESUMED) session. */
  waitForReady(shardCount = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.observers.waitFor(() => this.readyShards() >= shardCount, timeoutMs, `waitForReady(${shardCount})`)
  }

  /** Number of shards with an open socket bound to a valid session that finished READY/RESUMED. */
  readyShards(): number {
    let ready = 0
    for (const slot of this.slots.all()) if (isReady(slot)) ready += 1
    return ready
  }

  /** Terminates every socket and rejects pending waits. */
  shutdown(): void {
    this.closed = true
    this.protocol.terminateAll()
    this.wss.close()
    this.observers.shutdown()
  }

  // ---------------------------------------------------------------- internals

  /** Waits while the target shard's socket is backlogged (returns at once without a live session). */
  private async backpressure(opts: DispatchOptions): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve))
    for (;;) {
      if (this.closed) return
      const slot = this.slots.find(opts.shard ?? 0, opts.shardCount)
      const conn = slot?.connection
      if (!slot?.valid || !conn?.serves(slot.session) || !conn.isBacklogged()) return
      await delay(BURST_RETRY_MS)
    }
  }

  /** The shard's connection if its socket is open. */
  private liveConnection(shard: number): GatewayConnection | undefined {
    const conn = this.slots.find(shard, undefined, { anyCount: true })?.connection
    return conn?.isOpen ? conn : undefined
  }
}
