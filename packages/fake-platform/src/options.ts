import { resolveMediaOptions, type FakeMediaOptions, type ResolvedMediaOptions } from './media-options.js'
import {
  resolveStreamFieldOptions,
  type ResolvedStreamFieldOptions,
  type StreamFieldOptions,
} from './stream-field-routes.js'

/** `session_start_limit` as returned by `GET /gateway/bot`. */
export interface SessionStartLimit {
  /** Sessions allowed per reset period. */
  total: number
  /** Sessions still allowed; decremented by every successful identify. */
  remaining: number
  /** Milliseconds until `remaining` resets. */
  reset_after: number
  /** Shards that may identify concurrently. */
  max_concurrency: number
}

/** The bot account the fake platform impersonates. */
export interface BotUser {
  /** Bot user id, used in `<@!id>` mentions. */
  id: string
  /** Bot display name. */
  username: string
}

/** Passive replies the platform accepts per inbound message (or event) in each scene. */
export interface ReplyBudget {
  /** Default 4, the stricter of the two readings (docs/protocol.md, sends; the 2025 docs say 5). */
  c2c: number
  /** Default 5. */
  group: number
}

/** Options for {@link startFakePlatform}. Every field is optional. */
export interface FakePlatformOptions {
  /** Application id; default `'102000001'`. */
  appId?: string
  /** Client secret; default `'fake-app-secret-0123456789abcdef'`. */
  secret?: string
  /** Interface to bind; default `'127.0.0.1'`. */
  host?: string
  /** Port to bind; default `0` (ephemeral). */
  port?: number
  /** Access token lifetime in seconds; default `7200`. */
  tokenTtlSeconds?: number
  /** Clock in ms used for token lifetimes; default `Date.now`. */
  now?: () => number
  /** `heartbeat_interval` sent in Hello, in ms; default `45000`. */
  heartbeatIntervalMs?: number
  /** `shards` in `GET /gateway/bot`; default `1`. */
  recommendedShards?: number
  /** Initial `session_start_limit`; default `1000/1000/86400000/1`. */
  sessionStartLimit?: SessionStartLimit
  /** Intent bits a bot may request; any other bit closes the socket with 4014. Default: all bits. */
  allowedIntents?: number
  /** The bot account; default `{ id: '1000000000000000001', username: 'fake-bot' }`. */
  botUser?: BotUser
  /** Artificial delay before every REST response, in ms; default `0`. */
  restLatencyMs?: number
  /** After op 7 the server closes with 4009 if the client has not closed; default `1000` ms. */
  reconnectCloseDelayMs?: number
  /** Dispatch events kept per session for resume replay; default `200_000`. */
  logRetention?: number
  /** Passive replies accepted per inbound group/C2C message; default `{ c2c: 4, group: 5 }`. Past it a send gets 400/22009. */
  replyBudget?: Partial<ReplyBudget>
  /**
   * How panel error codes are written; sources disagree: `prefixed` (`40030021`, default) or `short`
   * (`30021`). A client must understand both.
   */
  panelErrorCodes?: 'prefixed' | 'short'
  /** The `index` the first frame of a stream must carry: sources disagree between 0 and 1. Default `0`. */
  streamIndexBase?: 0 | 1
  /** The older `stream` field of C2C messages: its first `index` and whether frames replace or append (see {@link StreamFieldOptions}). */
  streamField?: StreamFieldOptions
  /** Media uploads: part size, concurrency, 40093001 and quota faults, size caps (see {@link FakeMediaOptions}). */
  media?: FakeMediaOptions
}

/** {@link FakePlatformOptions} with every default filled in. */
export type ResolvedOptions = Required<Omit<FakePlatformOptions, 'replyBudget' | 'media' | 'streamField'>> & {
  replyBudget: ReplyBudget
  media: ResolvedMediaOptions
  streamField: ResolvedStreamFieldOptions
}

/** Default application id. */
export const DEFAULT_APP_ID = '102000001'
/** Default client secret. */
export const DEFAULT_SECRET = 'fake-app-secret-0123456789abcdef'
/** Default bot account. */
export const DEFAULT_BOT_USER: BotUser = { id: '1000000000000000001', username: 'fake-bot' }

/** Fills in defaults and copies mutable inputs so callers cannot change them afterwards. */
export function resolveOptions(options: FakePlatformOptions = {}): ResolvedOptions {
  return {
    appId: options.appId ?? DEFAULT_APP_ID,
    secret: options.secret ?? DEFAULT_SECRET,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    now: options.now ?? Date.now,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 45_000,
    recommendedShards: options.recommendedShards ?? 1,
    sessionStartLimit: {
      ...(options.sessionStartLimit ?? { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 }),
    },
    allowedIntents: options.allowedIntents ?? -1,
    botUser: { ...(options.botUser ?? DEFAULT_BOT_USER) },
    restLatencyMs: options.restLatencyMs ?? 0,
    reconnectCloseDelayMs: options.reconnectCloseDelayMs ?? 1000,
    logRetention: options.logRetention ?? 200_000,
    replyBudget: { c2c: options.replyBudget?.c2c ?? 4, group: options.replyBudget?.group ?? 5 },
    panelErrorCodes: options.panelErrorCodes ?? 'prefixed',
    streamIndexBase: options.streamIndexBase ?? 0,
    streamField: resolveStreamFieldOptions(options.streamField),
    media: resolveMediaOptions(options.media),
  }
}
