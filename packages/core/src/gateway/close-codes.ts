/**
 * What to do after the gateway closes with a code:
 * - `resume`: keep the session and RESUME (nothing is lost: the platform replays what we missed);
 * - `identify`: the session is gone, IDENTIFY anew;
 * - `refresh-token`: the token was rejected; get a new one and try again;
 * - `fatal`: configuration or account problem that retrying cannot fix.
 */
export type CloseAction = 'resume' | 'identify' | 'refresh-token' | 'fatal'

const FATAL: ReadonlyMap<number, string> = new Map([
  [4001, 'invalid opcode sent. This is a bug in qqbot; please report it'],
  [4002, 'invalid payload sent. This is a bug in qqbot; please report it'],
  [4010, 'invalid shard: the shard id must be below the shard count'],
  [4011, 'too many guilds for one connection: sharding is required (use shards: "auto")'],
  [4012, 'invalid gateway version'],
  [4013, 'invalid intents: one of the requested intent bits does not exist'],
  [
    4014,
    'intent not permitted: the bot has not been granted one of the requested intents (apply for it in the console, or remove the handler/intent that needs it)',
  ],
  [4914, 'the bot is offline (下架): only the sandbox environment may connect. Use hosts: "sandbox" or relist the bot'],
  [4915, 'the bot is banned (封禁)'],
])

const IDENTIFY_CODES = new Set([4006, 4007])

export function closeAction(code: number): CloseAction {
  if (FATAL.has(code)) return 'fatal'
  if (code === 4004) return 'refresh-token'
  if (IDENTIFY_CODES.has(code) || (code >= 4900 && code <= 4913)) return 'identify'
  // 4008 (too fast), 4009 (expired), 1000/1001 (server restart), 1006 (network), anything unknown: resume.
  // A resume that is refused ends in 4006/op 9, and repeated failures fall back to identify.
  return 'resume'
}

/** Human description of a fatal close code, for the error message. */
export function describeFatalClose(code: number): string | undefined {
  return FATAL.get(code)
}
