/**
 * @qqbot/core: the runtime under every qqbot bot. One client owns the access token, the REST API, how events
 * arrive (WebSocket gateway, signed HTTP callbacks or a broker) and the replies. The command layer
 * (`@qqbot/framework`) builds on it; adapter packages use `@qqbot/core/adapter` as well.
 *
 * What is exported here is the public API, in tiers. Everything else is internal and may change.
 */

// ── Start here: the client ───────────────────────────────────────────────────────────────────────────────────
export { createClient, QQBotClient, type EventHandler, type AnyEventHandler } from './client/qqbot-client.js'
export type { ClientOptions } from './client/client-options.js'
// The option groups of ClientOptions, each declared next to the part it tunes.
export type { HostsOption, Hosts } from './config/hosts.js'
export type { ShardsOption, GatewayOptions } from './gateway/gateway.js'
export type { WebhookServerOptions, WebhookSource, NodeRequestHandler } from './webhook/webhook-source.js'
export type { EventPipelineTuning, EventInterceptor } from './pipeline/event-pipeline.js'
export { orderKeyOf, type EventOrder, type OrderKeyFunction } from './pipeline/order-key.js'
export type { RestTuning, RestClient, RestRequest, RestResponse, RestHook, RestNext } from './rest/rest-client.js'
export type { OpenApi, CallOptions } from './rest/open-api.js'
export type { AdaptiveLimiterOptions } from './rest/adaptive-limiter.js'
export type { ReplyOptions, ReplyContent } from './reply/reply-sender.js'
export type { MarkdownFallbackOptions } from './reply/markdown-fallback.js'
export type { StreamOptions, StreamClock, StreamWireForm } from './stream/stream-options.js'
export type { ReplyStream, StreamResult } from './stream/reply-stream.js'
export type { StreamCallOptions } from './stream/reply-streams.js'
export type { MediaOptions, MediaKind } from './media/media-options.js'
export type { MediaSource, MediaPath, MediaData } from './media/media-source.js'
export type { ReplyMedia, ReplyMessage } from './media/reply-media.js'
export type { BackoffOptions } from './util/backoff.js'
export type { ShardInfo, ShardStatus } from './gateway/shard-types.js'

// ── Events: names, payloads, scenes ─────────────────────────────────────────────────────────────────────────
export type { DispatchedEvent, AnyKnownEvent } from './pipeline/dispatched-event.js'
export type * from './events/payloads.js'
export {
  KNOWN_EVENT_NAMES,
  isMessageEvent,
  type EventPayloadMap,
  type KnownEventName,
  type MessageEventName,
  type MessageEventPayload,
} from './events/event-names.js'
export type { NonconformingField } from './events/normalize.js'
export { eventTime } from './events/timestamps.js'
export { interactionUserId, interactionChatType } from './events/interactions.js'
// One scene vocabulary for every package: where an event happened, who sent it, what it says, where replies go.
export { sceneOf, senderOf, chatOf, textOf, isScene, SCENES, type Scene, type SceneEvent } from './events/scene.js'
export { replyTargetOf, type ReplyTarget, type ReplyLimits } from './reply/reply-target.js'
export {
  Intents,
  IntentSet,
  DEFAULT_INTENTS,
  describeIntents,
  intentForEvent,
  intentsForEvents,
  type IntentName,
} from './intents/intents.js'

// ── Messages: what a bot sends and what the platform answers ────────────────────────────────────────────────
export { MessageType } from './rest/api-types.js'
export type * from './rest/api-types.js'
export { markdown, type TemplateParams } from './messages/markdown-builder.js'
export {
  keyboard,
  button,
  KeyboardBuilder,
  KEYBOARD_LIMITS,
  type ButtonSpec,
  type ButtonOptions,
  type CommandButtonOptions,
  type ButtonStyle,
  type ButtonPermission,
} from './messages/keyboard-builder.js'
export type * from './messages/keyboard-types.js'
export { markdownToText } from './messages/markdown-text.js'
export { MARKDOWN_REFUSAL_CODES } from './reply/markdown-fallback.js'
export { RECALL_WINDOW_MS } from './recall/message-recaller.js'

// Command panels (`client.api.panels`, and syncPanel that keeps one panel per scope up to date).
export { syncPanel, type DesiredPanel, type PanelSyncOutcome } from './panels/panel-sync.js'
export { checkPanel, panelErrorCode, panelNameColumns, PANEL_LIMITS, PanelInvalidError } from './panels/panel-rules.js'
export { PANEL_SCOPES } from './panels/panel-types.js'
export type * from './panels/panel-types.js'
export type { PanelsApi } from './panels/panels-api.js'

// Group management (`client.api.groups`): members, join requests, batch remove; mostly invite-only.
export { GROUP_LIMITS, type GroupsApi } from './groups/groups-api.js'
export type * from './groups/group-types.js'

// ── Errors: every one is a QQBotError with a stable `code` ──────────────────────────────────────────────────
export { QQBotError, ConfigError } from './errors/qqbot-error.js'
export { TokenError, isRejectedCredential } from './auth/token-errors.js'
export { ApiError, NetworkError, ProactiveMessageError } from './rest/api-error.js'
export { KeyboardInvalidError, MarkdownInvalidError } from './messages/message-errors.js'
export { GatewayFatalError, SessionLimitError, ShardRevokedError } from './gateway/gateway-errors.js'
export { UnfinishedEventError } from './pipeline/event-pipeline.js'
export { StateConflictError, StateJsonError, StateTtlError } from './state/state-errors.js'
export {
  ReplyWindowClosedError,
  ReplyLimitError,
  ReplyRateLimitedError,
  ReplyNotSupportedError,
  ReplyTargetMissingError,
  MediaNotSupportedError,
} from './reply/reply-errors.js'
export { StreamClosedError, StreamStartError } from './stream/stream-errors.js'
export { GroupApiNotGrantedError, GroupAdminRequiredError, GroupRequestInvalidError } from './groups/group-errors.js'
export { RecallWindowClosedError, RecallNotOwnMessageError, RecallTargetMissingError } from './recall/recall-errors.js'
export {
  MediaSourceError,
  MediaTooLargeError,
  UploadQuotaExceededError,
  PartUploadError,
  UploadAnswerError,
} from './media/media-errors.js'
export { OptionalDependencyError, VoiceDecodeError, VoiceFormatError, VoiceTooLongError } from './media/voice-errors.js'

// ── Seams: interfaces to plug in your own parts (and the in-memory defaults) ────────────────────────────────
export type { EventEnvelope, EventSink, EventSource, SourceRuntime } from './pipeline/event-envelope.js'
export { MemorySessionStore, type SessionStore, type ShardSession } from './session/session-store.js'
export type { StateStorage, StoredState, StateWriteOptions } from './state/state-storage.js'
export { MemoryStateStorage } from './state/memory-state-storage.js'
export { updateState, type UpdateStateOptions } from './state/update-state.js'
export type { IdentifyLimiter } from './gateway/identify-limiter.js'
export type { ShardCoordinator, ShardControl, ShardGuard } from './gateway/shard-coordinator.js'
export type { ShardStopOptions } from './gateway/shard-types.js'

// ── Operations: logs, metrics, health ───────────────────────────────────────────────────────────────────────
export { createLogger, REDACTED_PATHS, type Logger, type LoggerOptions } from './logging/logger.js'
export { SecretScrubber } from './logging/secret-scrubber.js'
export type { Metrics, MetricsSnapshot, CounterName, GaugeName } from './metrics/metrics.js'
export {
  startHealthServer,
  type HealthServer,
  type HealthServerOptions,
  type Readiness,
} from './health/health-server.js'
