/** Gateway counters, live (the same object is updated in place). */
export interface GatewayStats {
  /** WebSocket connections accepted. */
  connections: number
  /** Successful identifies (sessions created). */
  identifies: number
  /** Successful resumes. */
  resumes: number
  /** Resume attempts refused by `GatewayServer.failResumes`. */
  resumesRefused: number
  /** Heartbeats (op 1) received. */
  heartbeats: number
  /** Every close code the server sent, in order. */
  closesSent: number[]
  /** Every close code a client sent when it closed a connection itself, in order (dropped sockets: none). */
  closesReceived: number[]
}

/** Snapshot of one shard, from `GatewayServer.shardState`. */
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

/** What is waiting to reach a shard's client, from `GatewayServer.socketBacklog`. */
export interface SocketBacklog {
  /** Bytes buffered on the socket (`ws.bufferedAmount`); 0 without an open socket. */
  bufferedBytes: number
  /** Logged events not yet handed to the socket. */
  unsentEvents: number
}

/** Targeting for `GatewayServer.dispatch`. */
export interface DispatchOptions {
  /** Shard id; default 0. */
  shard?: number
  /** Shard count; default: the first shard count in use. */
  shardCount?: number
  /** Event id; default `${t}:${random}`. */
  id?: string
}

/** Result of `GatewayServer.dispatch`. */
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

/** A fresh set of zeroed {@link GatewayStats}. */
export function emptyGatewayStats(): GatewayStats {
  return {
    connections: 0,
    identifies: 0,
    resumes: 0,
    resumesRefused: 0,
    heartbeats: 0,
    closesSent: [],
    closesReceived: [],
  }
}
