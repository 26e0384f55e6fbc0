/** Gateway opcodes (docs/protocol.md, gateway). */
export const GatewayOp = {
  DISPATCH: 0,
  HEARTBEAT: 1,
  IDENTIFY: 2,
  RESUME: 6,
  RECONNECT: 7,
  INVALID_SESSION: 9,
  HELLO: 10,
  HEARTBEAT_ACK: 11,
  HTTP_CALLBACK_ACK: 12,
  CALLBACK_VALIDATION: 13,
} as const

/** A frame in either direction. */
export interface GatewayPayload {
  id?: string
  op: number
  d?: unknown
  s?: number
  t?: string
}
