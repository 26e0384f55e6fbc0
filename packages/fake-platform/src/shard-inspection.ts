import type { GatewayConnection } from './gateway-connection.js'
import type { ShardStateInfo, SocketBacklog } from './gateway-types.js'
import type { ShardSlot } from './shard-slots.js'

/** A slot of the gateway's registry, with the connection bound to it. */
type GatewaySlot = ShardSlot<GatewayConnection>

/** Snapshot of a shard's slot (an unknown shard reads as never connected). */
export function shardStateOf(slot: GatewaySlot | undefined): ShardStateInfo {
  const info: ShardStateInfo = {
    lastSeq: slot?.session?.lastSeq ?? 0,
    connected: slot?.connection?.isOpen === true,
  }
  if (slot?.valid && slot.session) info.sessionId = slot.session.id
  if (slot?.lastHeartbeat !== undefined) info.lastHeartbeat = slot.lastHeartbeat
  return info
}

/**
 * What is waiting to reach the shard's client: with an open socket, its buffer and the events not
 * yet handed to it; without one, the latest session's events never handed to any socket.
 */
export function socketBacklogOf(slot: GatewaySlot | undefined): SocketBacklog {
  const conn = slot?.connection
  if (conn?.isOpen) return conn.backlog()
  const session = slot?.session
  return { bufferedBytes: 0, unsentEvents: session ? session.lastSeq - session.maxHanded : 0 }
}

/** True when the slot's valid session is served by an open socket that finished READY/RESUMED. */
export function isReady(slot: GatewaySlot): boolean {
  const conn = slot.connection
  return slot.valid && conn !== undefined && conn.serves(slot.session) && conn.phase === 'ready'
}
