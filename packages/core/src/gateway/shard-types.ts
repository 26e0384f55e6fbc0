import type { ShardSession } from '../session/session-store.js'

export type ShardStatus =
  'idle' | 'connecting' | 'identifying' | 'resuming' | 'ready' | 'reconnecting' | 'stopped' | 'failed'

/** What can be read about a shard at any time. */
export interface ShardInfo {
  shardId: number
  shardCount: number
  status: ShardStatus
  sessionId: string | undefined
  /** Last sequence number received. */
  seq: number
  /** Round trip of the last heartbeat, ms. */
  latencyMs: number | undefined
  /** Reconnects since start. */
  reconnects: number
  /**
   * True while handlers are behind: dispatches read from the socket wait in the shard (heartbeat ACKs do not),
   * and past a read-ahead budget the socket is not read until the handlers catch up.
   */
  paused: boolean
}

export interface ShardStopOptions {
  /**
   * Another process will RESUME this session (a planned handoff): close with a code that keeps the session
   * alive on the platform (4000) instead of the normal 1000.
   */
  handoff?: boolean
  /**
   * Wait (up to 30 s) until the events this shard already handed over are finished, then store the session
   * once more, so it covers them. Default true; false when the shard was lost (its writes are refused anyway).
   */
  drain?: boolean
}

export interface ShardEvents {
  ready: [session: ShardSession, user: unknown]
  resumed: [session: ShardSession]
  status: [status: ShardStatus]
  error: [error: Error]
  /** `admit()` said no: another process owns the shard now. */
  revoked: []
}
