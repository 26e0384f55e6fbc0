import { EventEmitter } from 'node:events'
import { payloadText, RawJson } from './raw-json.js'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { closeInvalidatesSession, GatewayCloseCode, GatewayOp } from './gateway-codes.js'
import { isRecord } from './http-util.js'
import { randomHex, uniqueId } from './ids.js'
import type { BotUser, SessionStartLimit } from './options.js'
import { SessionLog, type LogEntry } from './session-log.js'
import { delay } from './time.js'

/** Path the gateway accepts WebSocket upgrades on. */
export const GATEWAY_PATH = '/websocket'

/** Above this many buffered bytes on a socket, the server stops sending and waits. */
export const SEND_HIGH_WATER_BYTES = 4 * 1024 * 1024

/** Gateway counters, live (the same object is updated in place). */
export interface GatewayStats {
  /** WebSocket connections accepted. */
  connections: number
  /** Successful identifies (sessions created). */
  identifies: number
  /** Successful resumes. */
  resumes: number
  /** Resume attempts refused by {@link GatewayServer.failResumes}. */
  resumesRefused: number
  /** Heartbeats (op 1) received. */
  heartbeats: number
  /** Every close code the server sent, in order. */
  closesSent: number[]
  /** Every close code a client sent when it closed a connection itself, in order (dropped sockets: none). */
  closesReceived: number[]
}

/** Snapshot of one shard, from {@link GatewayServer.shardState}. */
export interface ShardStateInfo {
  /** Id of the shard's current resumable session, if any. */
  sessionId?: string
  /** Highest seq assigned in the shard's latest session (0 if none). */
  lastSeq: number
  /** True when a socket is open for this shard. */
  connected: boolean
  /** `d` of the last heartbeat received for this shard (`undefined` if none yet). */
  lastHeartbeat?: number | null
}

/** What is waiting to reach a shard's client, from {@link GatewayServer.socketBacklog}. */
export interface SocketBacklog {
  /** Bytes buffered on the socket (`ws.bufferedAmount`); 0 without an open socket. */
  bufferedBytes: number
  /** Logged events not yet handed to the socket. */
  unsentEvents: number
}

/** Targeting for {@link GatewayServer.dispatch}. */
export interface DispatchOptions {
  /** Shard id; default 0. */
  shard?: number
  /** Shard count; default: the first shard count in use. */
  shardCount?: number
  /** Event id; default `${t}:${random}`. */
  id?: string
}

/** Result of {@link GatewayServer.dispatch}. */
export interface DispatchResult {
  /** The event id. */
  id: string
  /** The seq assigned, or `undefined` when the event was queued until the next READY. */
  seq?: number
}

/** One event of a burst. */
export interface BurstEvent {
  /** Event type. */
  t: string
  /** Event data. */
  d: unknown
  /** Event id; default `${t}:${random}`. */
  id?: string
}

/** A gateway payload as it crossed a socket: `in` from the bot, `out` to the bot. */
export interface GatewayFrame {
  /** `in`: the bot sent it; `out`: the platform sent it. */
  direction: 'in' | 'out'
  /** The parsed payload (`{ op, d?, s?, t?, id? }`); identify/resume frames carry the bot's token. */
  payload: unknown
}

/** Listener for {@link GatewayFrame}s. */
export type GatewayFrameListener = (frame: GatewayFrame) => void

/** What the gateway needs from the rest of the platform. */
export interface GatewayDeps {
  /** `heartbeat_interval` sent in Hello. */
  heartbeatIntervalMs: number
  /** Allowed intent bits. */
  allowedIntents: number
  /** The bot account, echoed in READY. */
  botUser: BotUser
  /** Delay between op 7 and the server's own 4009 close. */
  reconnectCloseDelayMs: number
  /** Events kept per session for replay. */
  logRetention: number
  /** Live session start limit; identify decrements `remaining`. */
  sessionStartLimit: SessionStartLimit
  /** True when a bare access token (without `QQBot `) is currently valid. */
  isValidToken: (token: string) => boolean
  /** Told of every event dispatched (logged for a shard), before it goes out. */
  onDispatch?: (t: string, id: string, d: unknown) => void
}

type Phase = 'hello' | 'ready' | 'resuming'

interface Connection {
  ws: WebSocket
  socket: Socket
  key: string | undefined
  session: SessionLog | undefined
  phase: Phase
  cursor: number
  resumeTarget: number | undefined
  pumpTimer: NodeJS.Timeout | undefined
  reconnectTimer: NodeJS.Timeout | undefined
  closedByServer: boolean
}

interface ShardSlot {
  key: string
  shard: number
  count: number
  session: SessionLog | undefined
  valid: boolean
  connection: Connection | undefined
  lastHeartbeat: number | null | undefined
}

interface PendingEvent {
  shard: number
  count: number | undefined
  t: string
  id: string
  d: unknown
}

/**
 * The WebSocket gateway: Hello, identify/resume, heartbeats, per-shard sessions with a
 * replay log, dispatching with backpressure, and connection-level fault injection.
 */
export class GatewayServer {
  /** Live counters. */
  readonly stats: GatewayStats = {
    connections: 0,
    identifies: 0,
    resumes: 0,
    resumesRefused: 0,
    heartbeats: 0,
    closesSent: [],
    closesReceived: [],
  }
  private resumeFailures = { count: 0, code: 1011 }
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  private readonly connections = new Set<Connection>()
  private readonly slots = new Map<string, ShardSlot>()
  private readonly sessionsById = new Map<string, SessionLog>()
  private pending: PendingEvent[] = []
  private heartbeatAck = true
  private readonly changes = new EventEmitter()
  private readonly frameListeners = new Set<GatewayFrameListener>()
  private closed = false

  constructor(private readonly deps: GatewayDeps) {
    this.changes.setMaxListeners(0)
  }

  /** Handles an HTTP upgrade; only {@link GATEWAY_PATH} is accepted. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://fake-platform.local').pathname
    if (this.closed || (path !== GATEWAY_PATH && path !== `${GATEWAY_PATH}/`)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, socket as Socket))
  }

  // ---------------------------------------------------------------- connection lifecycle

  private onConnection(ws: WebSocket, socket: Socket): void {
    const conn: Connection = {
      ws,
      socket,
      key: undefined,
      session: undefined,
      phase: 'hello',
      cursor: 0,
      resumeTarget: undefined,
      pumpTimer: undefined,
      reconnectTimer: undefined,
      closedByServer: false,
    }
    if (this.closed) {
      ws.terminate()
      return
    }
    this.connections.add(conn)
    this.stats.connections += 1
    ws.on('message', (data) => this.onMessage(conn, data))
    ws.on('close', (code) => {
      if (!conn.closedByServer && code !== 1005 && code !== 1006) this.stats.closesReceived.push(code)
      this.onClose(conn)
    })
    ws.on('error', () => {
      // Socket errors end in 'close'; nothing else to do.
    })
    this.send(conn, { op: GatewayOp.Hello, d: { heartbeat_interval: this.deps.heartbeatIntervalMs } })
    this.changed()
  }

  private onClose(conn: Connection): void {
    this.connections.delete(conn)
    clearTimeout(conn.pumpTimer)
    clearTimeout(conn.reconnectTimer)
    this.unbind(conn)
    this.changed()
  }

  private onMessage(conn: Connection, data: RawData): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return
    let payload: unknown
    try {
      payload = JSON.parse(rawToString(data)) as unknown
    } catch {
      this.closeConn(conn, GatewayCloseCode.InvalidPayload, 'invalid payload')
      return
    }
    this.emitFrame('in', payload)
    if (!isRecord(payload) || typeof payload.op !== 'number') {
      this.closeConn(conn, GatewayCloseCode.InvalidPayload, 'invalid payload')
      return
    }
    switch (payload.op) {
      case GatewayOp.Heartbeat:
        this.onHeartbeat(conn, payload.d)
        return
      case GatewayOp.Identify:
        this.onIdentify(conn, payload.d)
        return
      case GatewayOp.Resume:
        this.onResume(conn, payload.d)
        return
      default:
        this.closeConn(conn, GatewayCloseCode.InvalidOpcode, 'invalid opcode')
    }
  }

  private onHeartbeat(conn: Connection, d: unknown): void {
    this.stats.heartbeats += 1
    const value = typeof d === 'number' ? d : null
    const slot = conn.key !== undefined ? this.slots.get(conn.key) : undefined
    if (slot && slot.connection === conn) slot.lastHeartbeat = value
    if (this.heartbeatAck) this.send(conn, { op: GatewayOp.HeartbeatAck })
    this.changed()
  }

  private onIdentify(conn: Connection, d: unknown): void {
    if (!isRecord(d) || conn.session) {
      this.closeConn(conn, GatewayCloseCode.InvalidPayload, 'invalid payload')
      return
    }
    if (!this.tokenOk(d.token)) {
      this.closeConn(conn, GatewayCloseCode.AuthFailed, 'invalid token')
      return
    }
    const shardArray = d.shard ?? [0, 1]
    if (!isValidShard(shardArray)) {
      this.closeConn(conn, GatewayCloseCode.InvalidShard, 'invalid shard')
      return
    }
    const [shard, count] = shardArray
    const intents = d.intents ?? 0
    if (typeof intents !== 'number' || !Number.isInteger(intents)) {
      this.closeConn(conn, GatewayCloseCode.InvalidIntent, 'invalid intent')
      return
    }
    if ((intents & ~this.deps.allowedIntents) !== 0) {
      this.closeConn(conn, GatewayCloseCode.IntentNotPermitted, 'intent not permitted')
      return
    }

    this.stats.identifies += 1
    const limit = this.deps.sessionStartLimit
    limit.remaining = Math.max(0, limit.remaining - 1)

    const slot = this.slotFor(shard, count)
    const previous = slot.session
    const carried: LogEntry[] = previous ? previous.entriesAfter(previous.maxHanded) : []
    if (previous) this.sessionsById.delete(previous.id)
    if (slot.connection && slot.connection !== conn) this.kick(slot.connection)
    if (conn.key !== undefined && conn.key !== slot.key) this.unbind(conn)

    const session = new SessionLog(randomHex(16), shard, count, this.deps.logRetention)
    this.sessionsById.set(session.id, session)
    slot.session = session
    slot.valid = true
    slot.connection = conn
    conn.key = slot.key
    conn.session = session
    conn.phase = 'ready'
    conn.resumeTarget = undefined

    const readySeq = session.nextSeq()
    conn.cursor = readySeq
    session.maxHanded = readySeq
    this.send(conn, {
      op: GatewayOp.Dispatch,
      s: readySeq,
      t: 'READY',
      id: `READY:${uniqueId()}`,
      d: {
        version: 1,
        session_id: session.id,
        user: { ...this.deps.botUser, bot: true },
        shard: [shard, count],
      },
    })
    for (const entry of carried) session.append(entry.t, entry.id, entry.d)
    const stillPending: PendingEvent[] = []
    for (const event of this.pending) {
      if (event.shard === shard && (event.count === undefined || event.count === count)) {
        session.append(event.t, event.id, event.d)
      } else {
        stillPending.push(event)
      }
    }
    this.pending = stillPending
    this.pump(conn)
    this.changed()
  }

  private onResume(conn: Connection, d: unknown): void {
    if (this.resumeFailures.count > 0) {
      this.resumeFailures.count -= 1
      this.stats.resumesRefused += 1
      this.closeConn(conn, this.resumeFailures.code, 'resume failed (injected)')
      return
    }
    if (!isRecord(d) || conn.session) {
      this.closeConn(conn, GatewayCloseCode.InvalidPayload, 'invalid payload')
      return
    }
    if (!this.tokenOk(d.token)) {
      this.closeConn(conn, GatewayCloseCode.AuthFailed, 'invalid token')
      return
    }
    const session = typeof d.session_id === 'string' ? this.sessionsById.get(d.session_id) : undefined
    const slot = session ? this.slots.get(slotKey(session.shard, session.shardCount)) : undefined
    if (!session || !slot) {
      this.closeConn(conn, GatewayCloseCode.InvalidSession, 'session id invalid')
      return
    }
    const seq = d.seq ?? 0
    if (
      typeof seq !== 'number' ||
      !Number.isInteger(seq) ||
      seq < 0 ||
      seq > session.lastSeq ||
      seq < session.droppedUpTo
    ) {
      this.closeConn(conn, GatewayCloseCode.InvalidSeq, 'invalid seq')
      return
    }
    if (slot.connection && slot.connection !== conn) this.kick(slot.connection)
    if (conn.key !== undefined && conn.key !== slot.key) this.unbind(conn)

    this.stats.resumes += 1
    slot.connection = conn
    conn.key = slot.key
    conn.session = session
    conn.phase = 'resuming'
    conn.cursor = seq
    conn.resumeTarget = session.lastSeq
    this.pump(conn)
    this.changed()
  }

  // ---------------------------------------------------------------- sending

  private send(conn: Connection, payload: unknown): boolean {
    if (conn.ws.readyState !== WebSocket.OPEN) return false
    conn.ws.send(JSON.stringify(payload))
    this.emitFrame('out', payload)
    return true
  }

  /** Observes every payload sent or received on any socket; returns an unsubscribe function. */
  onFrame(listener: GatewayFrameListener): () => void {
    this.frameListeners.add(listener)
    return () => {
      this.frameListeners.delete(listener)
    }
  }

  private emitFrame(direction: GatewayFrame['direction'], payload: unknown): void {
    if (this.frameListeners.size === 0) return
    for (const listener of this.frameListeners) {
      try {
        listener({ direction, payload })
      } catch {
        // Observers must not break the gateway.
      }
    }
  }

  /**
   * Hands every logged event after the connection's cursor to `ws.send`, in order, pausing
   * while the socket's buffer is above {@link SEND_HIGH_WATER_BYTES}. Sends RESUMED once a
   * resume replay has caught up.
   */
  private pump(conn: Connection): void {
    const session = conn.session
    if (!session || conn.phase === 'hello') return
    for (;;) {
      if (conn.ws.readyState !== WebSocket.OPEN) return
      if (conn.resumeTarget !== undefined && conn.cursor >= conn.resumeTarget) {
        conn.resumeTarget = undefined
        conn.phase = 'ready'
        this.send(conn, { op: GatewayOp.Dispatch, t: 'RESUMED', d: '' })
        this.changed()
      }
      if (conn.cursor >= session.lastSeq) return
      if (conn.ws.bufferedAmount > SEND_HIGH_WATER_BYTES) {
        conn.pumpTimer ??= setTimeout(() => {
          conn.pumpTimer = undefined
          this.pump(conn)
        }, 2)
        return
      }
      const entry = session.entryAfter(conn.cursor)
      if (!entry) {
        conn.cursor = session.lastSeq
        continue
      }
      const frame = { op: GatewayOp.Dispatch, s: entry.s, t: entry.t, id: entry.id, d: entry.d }
      conn.ws.send(
        entry.d instanceof RawJson
          ? payloadText({ op: frame.op, s: frame.s, t: frame.t, id: frame.id }, entry.d)
          : JSON.stringify(frame),
      )
      this.emitFrame('out', frame)
      conn.cursor = entry.s
      if (entry.s > session.maxHanded) session.maxHanded = entry.s
    }
  }

  /**
   * Appends an event to the target shard's session log and sends it if a socket is bound.
   * Without a resumable session for that shard the event is queued and delivered (with seqs)
   * right after the next READY.
   */
  dispatch(t: string, d: unknown, opts: DispatchOptions = {}): DispatchResult {
    const id = opts.id ?? `${t}:${randomHex(8)}`
    this.deps.onDispatch?.(t, id, d)
    const slot = this.targetSlot(opts)
    if (slot?.valid && slot.session) {
      const entry = slot.session.append(t, id, d)
      const conn = slot.connection
      if (conn && conn.session === slot.session) this.pump(conn)
      return { id, seq: entry.s }
    }
    this.pending.push({ shard: opts.shard ?? 0, count: opts.shardCount, t, id, d })
    return { id }
  }

  /**
   * Dispatches `count` events made by `make`, waiting whenever the bound socket has more than
   * {@link SEND_HIGH_WATER_BYTES} buffered (or too many events are not yet handed to it), so
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
      if ((i & 255) === 255) await this.backpressure(opts)
    }
    await this.backpressure(opts)
    return results
  }

  private async backpressure(opts: DispatchOptions): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve))
    for (;;) {
      if (this.closed) return
      const slot = this.targetSlot(opts)
      const conn = slot?.connection
      const session = slot?.valid ? slot.session : undefined
      if (!conn || !session || conn.session !== session || conn.ws.readyState !== WebSocket.OPEN) return
      if (conn.ws.bufferedAmount <= SEND_HIGH_WATER_BYTES && session.lastSeq - conn.cursor < 4096) return
      await delay(2)
    }
  }

  // ---------------------------------------------------------------- fault injection

  /**
   * Closes the shard's socket with a clean close frame. For 4006, 4007 and 4900–4915 the
   * session is also invalidated, so a later resume gets 4006. Returns false if no socket was open.
   */
  closeConnection(shard: number, code: number, reason = ''): boolean {
    const slot = this.slotForShard(shard)
    if (!slot) return false
    if (closeInvalidatesSession(code)) this.invalidate(slot)
    const conn = slot.connection
    if (!conn || conn.ws.readyState !== WebSocket.OPEN) return false
    this.closeConn(conn, code, reason)
    return true
  }

  /** Kills the shard's socket without a close frame (`ws.terminate()`). */
  dropConnection(shard = 0): boolean {
    const conn = this.openConnection(shard)
    conn?.ws.terminate()
    return conn !== undefined
  }

  /** Resets the shard's TCP connection (RST via `socket.resetAndDestroy()`). */
  resetConnection(shard = 0): boolean {
    const conn = this.openConnection(shard)
    conn?.socket.resetAndDestroy()
    return conn !== undefined
  }

  /**
   * Sends op 7, then closes with 4009 after `reconnectCloseDelayMs` unless the client closed
   * first. The session stays resumable.
   */
  requestReconnect(shard = 0): boolean {
    const conn = this.openConnection(shard)
    if (!conn) return false
    this.send(conn, { op: GatewayOp.Reconnect })
    clearTimeout(conn.reconnectTimer)
    conn.reconnectTimer = setTimeout(() => {
      conn.reconnectTimer = undefined
      if (conn.ws.readyState === WebSocket.OPEN) {
        this.closeConn(conn, GatewayCloseCode.SessionTimedOut, 'session timed out')
      }
    }, this.deps.reconnectCloseDelayMs)
    return true
  }

  /** Sends `{op: 9, d: false}` and deletes the shard's session; the socket stays open. */
  invalidateSession(shard = 0): boolean {
    const slot = this.slotForShard(shard)
    if (!slot) return false
    const conn = slot.connection
    this.invalidate(slot)
    if (conn) {
      this.send(conn, { op: GatewayOp.InvalidSession, d: false })
      conn.session = undefined
      conn.phase = 'hello'
      conn.resumeTarget = undefined
    }
    this.changed()
    return true
  }

  /**
   * Makes the next `count` resume attempts fail: the socket is closed with `code` (default 1011)
   * while the session stays valid, as when resume keeps failing for reasons of the platform's own.
   */
  failResumes(count: number, code = 1011): void {
    this.resumeFailures = { count, code }
  }

  /** Enables or disables heartbeat ACKs (op 11). */
  setHeartbeatAck(enabled: boolean): void {
    this.heartbeatAck = enabled
  }

  /** Sends an arbitrary text frame on the shard's socket. */
  sendRaw(shard: number, text: string): boolean {
    const conn = this.openConnection(shard)
    conn?.ws.send(text)
    return conn !== undefined
  }

  // ---------------------------------------------------------------- inspection

  /** Snapshot of a shard (`count` defaults to the first shard count in use). */
  shardState(shard = 0, count?: number): ShardStateInfo {
    const slot = this.slotForShard(shard, count)
    const info: ShardStateInfo = {
      lastSeq: slot?.session?.lastSeq ?? 0,
      connected: slot?.connection?.ws.readyState === WebSocket.OPEN,
    }
    if (slot?.valid && slot.session) info.sessionId = slot.session.id
    if (slot?.lastHeartbeat !== undefined) info.lastHeartbeat = slot.lastHeartbeat
    return info
  }

  /** Bytes buffered and events not yet handed to the shard's socket (observes send backpressure). */
  socketBacklog(shard = 0, count?: number): SocketBacklog {
    const slot = this.slotForShard(shard, count)
    const conn = slot?.connection
    const session = slot?.session
    if (!conn || conn.ws.readyState !== WebSocket.OPEN) {
      return { bufferedBytes: 0, unsentEvents: session ? session.lastSeq - session.maxHanded : 0 }
    }
    return {
      bufferedBytes: conn.ws.bufferedAmount,
      unsentEvents: conn.session ? conn.session.lastSeq - conn.cursor : 0,
    }
  }

  /** Resolves with {@link stats} once `predicate` holds (checked on every gateway change). */
  async waitForGateway(predicate: (stats: GatewayStats) => boolean, timeoutMs = 5000): Promise<GatewayStats> {
    await this.waitFor(() => predicate(this.stats), timeoutMs, 'waitForGateway')
    return this.stats
  }

  /** Resolves once `shardCount` shards have an open socket with a ready (READY/RESUMED) session. */
  waitForReady(shardCount = 1, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.readyShards() >= shardCount, timeoutMs, `waitForReady(${shardCount})`)
  }

  /** Number of shards with an open socket bound to a valid session that finished READY/RESUMED. */
  readyShards(): number {
    let ready = 0
    for (const slot of this.slots.values()) {
      const conn = slot.connection
      if (
        slot.valid &&
        slot.session &&
        conn &&
        conn.session === slot.session &&
        conn.phase === 'ready' &&
        conn.ws.readyState === WebSocket.OPEN
      ) {
        ready += 1
      }
    }
    return ready
  }

  /** Terminates every socket and rejects pending waits. */
  shutdown(): void {
    this.closed = true
    for (const conn of this.connections) {
      clearTimeout(conn.pumpTimer)
      clearTimeout(conn.reconnectTimer)
      conn.ws.terminate()
    }
    this.connections.clear()
    this.wss.close()
    this.changes.emit('closed')
  }

  // ---------------------------------------------------------------- internals

  private waitFor(condition: () => boolean, timeoutMs: number, label: string): Promise<void> {
    if (condition()) return Promise.resolve()
    if (this.closed) return Promise.reject(new Error('fake platform closed'))
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer)
        this.changes.off('change', onChange)
        this.changes.off('closed', onClosed)
      }
      const onChange = (): void => {
        if (condition()) {
          cleanup()
          resolve()
        }
      }
      const onClosed = (): void => {
        cleanup()
        reject(new Error('fake platform closed'))
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`${label} timed out after ${timeoutMs} ms (stats: ${JSON.stringify(this.stats)})`))
      }, timeoutMs)
      this.changes.on('change', onChange)
      this.changes.on('closed', onClosed)
    })
  }

  private changed(): void {
    this.changes.emit('change')
  }

  private tokenOk(token: unknown): boolean {
    return typeof token === 'string' && token.startsWith('QQBot ') && this.deps.isValidToken(token.slice(6))
  }

  private closeConn(conn: Connection, code: number, reason: string): void {
    this.stats.closesSent.push(code)
    conn.closedByServer = true
    if (closeInvalidatesSession(code) && conn.key !== undefined) {
      const slot = this.slots.get(conn.key)
      if (slot && conn.session && slot.session === conn.session) this.invalidate(slot)
    }
    conn.ws.close(code, reason)
    this.changed()
  }

  private invalidate(slot: ShardSlot): void {
    slot.valid = false
    if (slot.session) this.sessionsById.delete(slot.session.id)
  }

  /** Detaches a connection from its shard slot (the session itself stays as it is). */
  private unbind(conn: Connection): void {
    const slot = conn.key !== undefined ? this.slots.get(conn.key) : undefined
    if (slot && slot.connection === conn) slot.connection = undefined
    conn.key = undefined
    conn.session = undefined
    conn.resumeTarget = undefined
  }

  /** Replaces a connection that another socket took over: detach it and kill it. */
  private kick(conn: Connection): void {
    this.unbind(conn)
    conn.ws.terminate()
  }

  private slotFor(shard: number, count: number): ShardSlot {
    const key = slotKey(shard, count)
    let slot = this.slots.get(key)
    if (!slot) {
      slot = { key, shard, count, session: undefined, valid: false, connection: undefined, lastHeartbeat: undefined }
      this.slots.set(key, slot)
    }
    return slot
  }

  /** The shard count used when a caller does not name one: the first in use. */
  private defaultCount(): number | undefined {
    let first: number | undefined
    for (const slot of this.slots.values()) {
      if (slot.valid) return slot.count
      first ??= slot.count
    }
    return first
  }

  private targetSlot(opts: DispatchOptions): ShardSlot | undefined {
    const count = opts.shardCount ?? this.defaultCount()
    return count === undefined ? undefined : this.slots.get(slotKey(opts.shard ?? 0, count))
  }

  private slotForShard(shard: number, count?: number): ShardSlot | undefined {
    const defaultCount = count ?? this.defaultCount()
    const exact = defaultCount === undefined ? undefined : this.slots.get(slotKey(shard, defaultCount))
    if (exact || count !== undefined) return exact
    for (const slot of this.slots.values()) if (slot.shard === shard) return slot
    return undefined
  }

  private openConnection(shard: number): Connection | undefined {
    const conn = this.slotForShard(shard)?.connection
    return conn && conn.ws.readyState === WebSocket.OPEN ? conn : undefined
  }
}

function slotKey(shard: number, count: number): string {
  return `${shard}/${count}`
}

function isValidShard(value: unknown): value is [number, number] {
  if (!Array.isArray(value) || value.length !== 2) return false
  const [id, count] = value as unknown[]
  return (
    typeof id === 'number' &&
    typeof count === 'number' &&
    Number.isInteger(id) &&
    Number.isInteger(count) &&
    id >= 0 &&
    count >= 1 &&
    id < count
  )
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}
