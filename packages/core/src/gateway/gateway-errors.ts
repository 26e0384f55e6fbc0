import { QQBotError } from '../errors/qqbot-error.js'
import { describeFatalClose } from './close-codes.js'

/** The gateway closed with a code retrying cannot fix (4001/4002/4010–4014/4914/4915), or auth keeps failing. The shard stops. */
export class GatewayFatalError extends QQBotError {
  readonly closeCode: number | undefined
  readonly shardId: number

  constructor(shardId: number, closeCode: number | undefined, detail?: string) {
    const description = closeCode !== undefined ? describeFatalClose(closeCode) : undefined
    super(
      'GATEWAY_FATAL',
      `Shard ${shardId} stopped: ${closeCode !== undefined ? `close code ${closeCode}, ` : ''}${description ?? detail ?? 'unrecoverable gateway error'}.`,
    )
    this.closeCode = closeCode
    this.shardId = shardId
  }
}

/** `session_start_limit.remaining` is lower than the number of shards to start. */
export class SessionLimitError extends QQBotError {
  readonly remaining: number
  readonly resetAfterMs: number

  constructor(needed: number, remaining: number, resetAfterMs: number) {
    super(
      'GATEWAY_SESSION_LIMIT',
      `Cannot start ${needed} shard(s): the platform allows only ${remaining} more session start(s) until it resets in ${Math.ceil(resetAfterMs / 1000)} s. Wait for the reset, or start fewer shards.`,
    )
    this.remaining = remaining
    this.resetAfterMs = resetAfterMs
  }
}

/** This process may no longer run the shard: its ownership moved to another process (see ShardCoordinator). */
export class ShardRevokedError extends QQBotError {
  readonly shardId: number

  constructor(shardId: number) {
    super('GATEWAY_SHARD_REVOKED', `Shard ${shardId} is owned by another process now; this process stopped running it.`)
    this.shardId = shardId
  }
}

/** Why a shard gave up starting: the platform stayed unreachable (the detail of its GatewayFatalError). */
export function unreachableWhileStarting(cause: unknown, failingForMs: number): string {
  const reason = cause instanceof Error ? cause.message.replace(/\.$/, '') : String(cause)
  return (
    `could not reach the QQ platform for ${Math.round(failingForMs / 1000)} s while starting (${reason}); ` +
    'check the hosts option, the network or proxy between this machine and the platform, and the AppID; ' +
    'once started, a bot reconnects on its own'
  )
}
