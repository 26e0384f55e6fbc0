import type { DestinationStream, LevelWithSilent, Logger } from 'pino'
import type { AccessTokenManagerOptions } from '../auth/access-token-manager.js'
import type { HostsOption } from '../config/hosts.js'
import type { IdentifyLimiter } from '../gateway/identify-limiter.js'
import type { GatewayOptions, ShardsOption } from '../gateway/gateway.js'
import type { ShardCoordinator } from '../gateway/shard-coordinator.js'
import type { IntentName } from '../intents/intents.js'
import type { EventSource } from '../pipeline/event-envelope.js'
import type { EventPipelineTuning } from '../pipeline/event-pipeline.js'
import type { MediaOptions } from '../media/media-options.js'
import type { ReplyOptions } from '../reply/reply-sender.js'
import type { RestTuning } from '../rest/rest-client.js'
import type { StreamOptions } from '../stream/stream-options.js'
import type { SessionStore } from '../session/session-store.js'
import type { WebhookServerOptions } from '../webhook/webhook-source.js'

/** Everything {@link createClient} accepts. Only `appId` and `secret` are required. */
export interface ClientOptions {
  /** The bot's AppID (机器人ID) from the console. */
  appId: string
  /** The AppSecret (机器人密钥). Never logged. */
  secret: string
  /** Rejected with a clear error: the platform disabled the legacy `Bot appid.token` scheme (11245). */
  token?: never
  /**
   * `'production'` (default: `api.bot.qq.com`, falling back to `api.sgroup.qq.com` for gateway lookups),
   * `'legacy'` (`api.sgroup.qq.com`), `'sandbox'`, or explicit URLs (a proxy, a local fake platform).
   */
  hosts?: HostsOption
  /** Intents to request: bits or names. Default: derived from the events handlers subscribe to, plus `extraIntents`. */
  intents?: number | IntentName[]
  /** Added to the derived intents. */
  extraIntents?: IntentName[]
  /** Gateway sharding: default 1 shard; `'auto'` uses the platform's recommendation. */
  shards?: ShardsOption
  /**
   * How events arrive, the one place that chooses it: `'gateway'` (default: the WebSocket gateway, tuned by
   * `gateway`), `'webhook'` (signed HTTP callbacks, tuned by `webhook`), or a source of your own (a broker
   * consumer such as `RedisStreamSource`, a test feed). Handlers are the same whichever delivers.
   */
  source?: 'gateway' | 'webhook' | EventSource
  /** The webhook endpoint, with `source: 'webhook'`. */
  webhook?: WebhookServerOptions
  /** Renamed: choose the event source with `source: 'gateway' | 'webhook'`. Rejected with a `ConfigError`. */
  delivery?: never
  /** Where shard sessions are kept; default in memory. */
  sessionStore?: SessionStore
  /** Paces identifies across shards (and processes, with a shared limiter). */
  identifyLimiter?: IdentifyLimiter
  /** Shares the `shards` among several processes (e.g. `@qqbot/redis`); this process runs the shards it is granted. */
  shardCoordinator?: ShardCoordinator
  /** A logger of your own (pino), or options for ours. */
  logger?: Logger
  logLevel?: LevelWithSilent
  logDestination?: DestinationStream | NodeJS.WritableStream
  /** Handler concurrency and queue bounds. */
  pipeline?: EventPipelineTuning
  /** REST tuning; `limiter` slows down a target the platform rate-limited (`false` turns it off). */
  rest?: RestTuning
  /** Media uploads for group and C2C replies: when to chunk, size caps, hashing choices (defaults in `MediaOptions`). */
  media?: MediaOptions
  /** Passive replies: the per-message budget (`limits`, default C2C 4, group 5) and the retry deadline margin. */
  replies?: ReplyOptions
  /** Streamed replies (`client.stream()`): frame interval (default 500 ms), typing indicator, stream window, fallback. */
  streaming?: StreamOptions
  /** Gateway tuning (tests shorten these). */
  gateway?: Pick<
    GatewayOptions,
    | 'identifyIntervalMs'
    | 'backoff'
    | 'rateLimitDelayMs'
    | 'maxResumeFailures'
    | 'handshakeTimeoutMs'
    | 'startUnreachableMs'
  >
  /** Token refresh tuning. */
  accessToken?: Pick<AccessTokenManagerOptions, 'refreshMarginMs' | 'refreshJitterMs' | 'refreshRetryBackoff'>
}
