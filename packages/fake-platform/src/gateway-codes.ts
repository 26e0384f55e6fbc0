/** Gateway opcodes (docs/protocol.md, gateway). */
export const GatewayOp = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const

/** Gateway close codes the fake platform sends (docs/protocol.md, gateway). */
export const GatewayCloseCode = {
  InvalidOpcode: 4001,
  InvalidPayload: 4002,
  AuthFailed: 4004,
  InvalidSession: 4006,
  InvalidSeq: 4007,
  RateLimited: 4008,
  SessionTimedOut: 4009,
  InvalidShard: 4010,
  ShardingRequired: 4011,
  InvalidVersion: 4012,
  InvalidIntent: 4013,
  IntentNotPermitted: 4014,
  BotOffline: 4914,
  BotBanned: 4915,
} as const

/** True for close codes after which the session can no longer be resumed (4006, 4007, 4900–4915). */
export function closeInvalidatesSession(code: number): boolean {
  return code === 4006 || code === 4007 || (code >= 4900 && code <= 4915)
}
