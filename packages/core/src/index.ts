/**
 * @qqbot/core: the runtime under every qqbot bot. Access token, REST client, WebSocket gateway,
 * event pipeline, passive replies, logging and metrics. The command layer builds on this package.
 */
export { createClient, QQBotClient, type EventHandler, type AnyEventHandler } from './client/qqbot-client.js'
export type { ClientOptions } from './client/client-options.js'

export { QQBotError, ConfigError } from './errors/qqbot-error.js'
export {
  resolveHosts,
  PRODUCTION_HOSTS,
  LEGACY_HOSTS,
  SANDBOX_HOSTS,
  type Hosts,
  type HostsOption,
} from './config/hosts.js'

export {
  AccessTokenManager,
  parseExpiresIn,
  type TokenProvider,
  type AccessTokenManagerOptions,
} from './auth/access-token-manager.js'
export { TokenError } from './auth/token-errors.js'

export { HttpTransport, type HttpTransportOptions } from './http/http-transport.js'
export {
  RestClient,
  type RestRequest,
  type RestResponse,
  type RestHook,
  type RestNext,
  type HttpMethod,
  type RestClientOptions,
} from './rest/rest-client.js'
export { OpenApi, type CallOptions } from './rest/open-api.js'
export { ApiError, NetworkError, ProactiveMessageError } from './rest/api-error.js'
export type { AdaptiveLimiterOptions } from './rest/adaptive-limiter.js'
export { PLATFORM_CODE_HINTS } from './rest/platform-codes.js'
export * from './rest/api-types.js'

export { Gateway, type GatewayOptions, type ShardsOption } from './gateway/gateway.js'
export { ShardConnection, type ShardConnectionOptions } from './gateway/shard-connection.js'
export type { ShardInfo, ShardStatus, ShardStopOptions } from './gateway/shard-types.js'
export type { ShardCoordinator, ShardControl, ShardGuard } from './gateway/shard-coordinator.js'
export { SeqWatermark } from './gateway/seq-watermark.js'
export { GatewayOp, type GatewayPayload } from './gateway/opcodes.js'
export { closeAction, type CloseAction } from './gateway/close-codes.js'
export { GatewayFatalError, SessionLimitError, ShardRevokedError } from './gateway/gateway-errors.js'
export { LocalIdentifyLimiter, type IdentifyLimiter } from './gateway/identify-limiter.js'
export { MemorySessionStore, type SessionStore, type ShardSession } from './session/session-store.js'

export {
  EventPipeline,
  UnfinishedEventError,
  eventDedupeKey,
  type EventPipelineOptions,
  type PipelineHandler,
  type EventInterceptor,
} from './pipeline/event-pipeline.js'
export type { EventEnvelope, EventSink, EventSource, SourceRuntime } from './pipeline/event-envelope.js'
export { PullGate } from './pipeline/pull-gate.js'
export { HeldEvents } from './pipeline/held-events.js'
export type { DispatchedEvent, AnyKnownEvent } from './pipeline/dispatched-event.js'

export * from './events/payloads.js'
export * from './events/event-names.js'
export { eventSchemas, parseEventPayload, type ParseEventResult } from './events/schemas.js'
export type { NonconformingField } from './events/normalize.js'
export { eventTime } from './events/timestamps.js'
export { interactionUserId, interactionChatType } from './events/interactions.js'
export { sceneOf, senderOf, chatOf, textOf, isScene, SCENES, type Scene, type SceneEvent } from './events/scene.js'
export * from './intents/intents.js'

export { ReplySender, type ReplyContent, type ReplyOptions } from './reply/reply-sender.js'
export { replyTargetOf, replyWindows, REPLY_WINDOWS, type ReplyTarget, type ReplyLimits } from './reply/reply-target.js'
export { MsgSeqAllocator, type ReplyWindow } from './reply/msg-seq-allocator.js'
export {
  ReplyWindowClosedError,
  ReplyLimitError,
  ReplyRateLimitedError,
  ReplyNotSupportedError,
  ReplyTargetMissingError,
  MediaNotSupportedError,
} from './reply/reply-errors.js'

export {
  WebhookSource,
  type WebhookServerOptions,
  type WebhookSourceOptions,
  type NodeRequestHandler,
} from './webhook/webhook-source.js'
export {
  WebhookHandler,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookHandlerOptions,
  type WebhookRejection,
} from './webhook/webhook-handler.js'
export {
  deriveWebhookKeys,
  webhookSeed,
  signHex,
  verifyWebhookSignature,
  type WebhookKeys,
} from './webhook/webhook-keys.js'

export { createLogger, REDACTED_PATHS, type Logger, type LoggerOptions } from './logging/logger.js'
export { SecretScrubber } from './logging/secret-scrubber.js'
export { Metrics, type MetricsSnapshot, type CounterName, type GaugeName } from './metrics/metrics.js'
export type { BackoffOptions } from './util/backoff.js'
export { sleep } from './util/sleep.js'
export { EventForwarder, type EventPublisher, type EventForwarderOptions } from './forwarding/event-forwarder.js'
export {
  startHealthServer,
  type HealthServer,
  type HealthServerOptions,
  type Readiness,
} from './health/health-server.js'
