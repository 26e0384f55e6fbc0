import type { Socket } from 'node:net'
import type { RawData, WebSocket } from 'ws'
import { GatewayConnection, type GatewayContext } from './gateway-connection.js'
import { GatewayCloseCode, GatewayOp } from './gateway-codes.js'
import { isRecord } from './http-util.js'
import { uniqueId } from './ids.js'
import type { BotUser, SessionStartLimit } from './options.js'

/** Options of {@link GatewayProtocol}. */
export interface GatewayProtocolOptions {
  /** `heartbeat_interval` sent in Hello. */
  heartbeatIntervalMs: number
  /** Allowed intent bits. */
  allowedIntents: number
  /** The bot account, echoed in READY. */
  botUser: BotUser
  /** Live session start limit; identify decrements `remaining`. */
  sessionStartLimit: SessionStartLimit
  /** True when a bare access token (without `QQBot `) is currently valid. */
  isValidToken: (token: string) => boolean
}

/** Close code of injected resume failures unless the caller names one. */
export const DEFAULT_RESUME_FAILURE_CODE = 1011

/**
 * The server side of every gateway socket. Accepts and tracks the connections and answers what a
 * client sends (docs/protocol.md, gateway): Hello on connect, heartbeats (op 1 → op 11), identify
 * (op 2 → READY) and resume (op 6 → replay, RESUMED), with the close codes for every invalid
 * request. Also holds the protocol-level faults: heartbeat ACKs switched off and resumes refused.
 */
export class GatewayProtocol {
  private readonly connections = new Set<GatewayConnection>()
  private heartbeatAck = true
  private resumeFailures = { count: 0, code: DEFAULT_RESUME_FAILURE_CODE }

  constructor(
    private readonly options: GatewayProtocolOptions,
    private readonly context: GatewayContext,
  ) {}

  /** Takes a new socket: counts it, listens to it and sends Hello (op 10). */
  accept(ws: WebSocket, socket: Socket): void {
    const { stats, observers } = this.context
    const conn = new GatewayConnection(ws, socket, this.context)
    this.connections.add(conn)
    stats.connections += 1
    ws.on('message', (data) => this.receive(conn, data))
    ws.on('close', (code) => {
      // 1005 (no code) and 1006 (no close frame) are not codes the client chose.
      if (!conn.closedByServer && code !== 1005 && code !== 1006) stats.closesReceived.push(code)
      this.connections.delete(conn)
      conn.stopTimers()
      conn.unbind()
      observers.changed()
    })
    ws.on('error', () => {
      // Socket errors end in 'close'; nothing else to do.
    })
    conn.send({ op: GatewayOp.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } })
    observers.changed()
  }

  /** Kills every socket without a close frame (the gateway shuts down). */
  terminateAll(): void {
    for (const conn of this.connections) {
      conn.stopTimers()
      conn.ws.terminate()
    }
    this.connections.clear()
  }

  /** Enables or disables heartbeat ACKs (op 11). */
  setHeartbeatAck(enabled: boolean): void {
    this.heartbeatAck = enabled
  }

  /** Makes the next `count` resume attempts close the socket with `code`; the session stays valid. */
  failResumes(count: number, code: number): void {
    this.resumeFailures = { count, code }
  }

  /** Handles one message from the client; anything but valid JSON with a known opcode closes the socket. */
  private receive(conn: GatewayConnection, data: RawData): void {
    if (!conn.isOpen) return
    let payload: unknown
    try {
      payload = JSON.parse(rawToString(data)) as unknown
    } catch {
      conn.close(GatewayCloseCode.InvalidPayload, 'invalid payload')
      return
    }
    this.context.observers.emitFrame('in', payload)
    if (!isRecord(payload) || typeof payload.op !== 'number') {
      conn.close(GatewayCloseCode.InvalidPayload, 'invalid payload')
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
        conn.close(GatewayCloseCode.InvalidOpcode, 'invalid opcode')
    }
  }

  private onHeartbeat(conn: GatewayConnection, d: unknown): void {
    this.context.stats.heartbeats += 1
    const slot = conn.slot
    if (slot?.connection === conn) slot.lastHeartbeat = typeof d === 'number' ? d : null
    if (this.heartbeatAck) conn.send({ op: GatewayOp.HeartbeatAck })
    this.context.observers.changed()
  }

  private onIdentify(conn: GatewayConnection, d: unknown): void {
    if (!this.acceptsHandshake(conn, d)) return
    const shardArray = d.shard ?? [0, 1]
    if (!isValidShard(shardArray)) {
      conn.close(GatewayCloseCode.InvalidShard, 'invalid shard')
      return
    }
    const [shard, count] = shardArray
    const intents = d.intents ?? 0
    if (typeof intents !== 'number' || !Number.isInteger(intents)) {
      conn.close(GatewayCloseCode.InvalidIntent, 'invalid intent')
      return
    }
    if ((intents & ~this.options.allowedIntents) !== 0) {
      conn.close(GatewayCloseCode.IntentNotPermitted, 'intent not permitted')
      return
    }

    const { stats, slots, observers } = this.context
    stats.identifies += 1
    const limit = this.options.sessionStartLimit
    limit.remaining = Math.max(0, limit.remaining - 1)

    const slot = slots.getOrCreate(shard, count)
    const { session, readySeq } = slots.startSession(slot)
    conn.bind(slot, session)
    conn.phase = 'ready'
    conn.resumeTarget = undefined
    conn.cursor = readySeq
    conn.send({
      op: GatewayOp.Dispatch,
      s: readySeq,
      t: 'READY',
      id: `READY:${uniqueId()}`,
      d: {
        version: 1,
        session_id: session.id,
        user: { ...this.options.botUser, bot: true },
        shard: [shard, count],
      },
    })
    conn.pump()
    observers.changed()
  }

  private onResume(conn: GatewayConnection, d: unknown): void {
    const { stats, slots, observers } = this.context
    if (this.resumeFailures.count > 0) {
      this.resumeFailures.count -= 1
      stats.resumesRefused += 1
      conn.close(this.resumeFailures.code, 'resume failed (injected)')
      return
    }
    if (!this.acceptsHandshake(conn, d)) return
    const target = typeof d.session_id === 'string' ? slots.resumable(d.session_id) : undefined
    if (!target) {
      conn.close(GatewayCloseCode.InvalidSession, 'session id invalid')
      return
    }
    const { session, slot } = target
    const seq = d.seq ?? 0
    if (
      typeof seq !== 'number' ||
      !Number.isInteger(seq) ||
      seq < 0 ||
      seq > session.lastSeq ||
      seq < session.droppedUpTo
    ) {
      conn.close(GatewayCloseCode.InvalidSeq, 'invalid seq')
      return
    }
    conn.bind(slot, session)
    stats.resumes += 1
    conn.phase = 'resuming'
    conn.cursor = seq
    conn.resumeTarget = session.lastSeq
    conn.pump()
    observers.changed()
  }

  /** IDENTIFY and RESUME both need a payload object, a connection without a session, and a valid token. */
  private acceptsHandshake(conn: GatewayConnection, d: unknown): d is Record<string, unknown> {
    if (!isRecord(d) || conn.session) {
      conn.close(GatewayCloseCode.InvalidPayload, 'invalid payload')
      return false
    }
    if (!this.tokenOk(d.token)) {
      conn.close(GatewayCloseCode.AuthFailed, 'invalid token')
      return false
    }
    return true
  }

  private tokenOk(token: unknown): boolean {
    return typeof token === 'string' && token.startsWith('QQBot ') && this.options.isValidToken(token.slice(6))
  }
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
