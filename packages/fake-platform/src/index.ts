/**
 * @qqbot/fake-platform: an in-process fake of the QQ Open Platform (token endpoint, REST API,
 * WebSocket gateway) on 127.0.0.1, with recording, inspection and fault injection.
 */
export { FakePlatform, startFakePlatform } from './fake-platform.js'
export {
  WebhookDeliverer,
  isAcknowledgement,
  type WebhookReply,
  type DeliverOptions,
  type RedeliveryOptions,
} from './webhook-delivery.js'
export { clickButton, type ButtonSelector, type ButtonClickInit, type ClickableMessage } from './button-clicks.js'
export { InteractionLedger, INTERACTION_ACK_WINDOW_MS, type InteractionAck } from './interaction-ledger.js'
export { MarkdownRules, type MarkdownRefusalOptions } from './markdown-rules.js'
export {
  DEFAULT_APP_ID,
  DEFAULT_BOT_USER,
  DEFAULT_SECRET,
  type BotUser,
  type FakePlatformOptions,
  type ReplyBudget,
  type SessionStartLimit,
} from './options.js'
export type { Scene, RecordedCall, RequestListener, SentListener, SentMessage } from './records.js'
export { StreamLog, type RecordedStream, type RecordedTyping, type StreamFrameRecord } from './stream-log.js'
export { MIN_STREAM_FRAME_INTERVAL_MS, STREAM_WINDOW_MS } from './stream-routes.js'
export type { StreamFieldOptions } from './stream-field-routes.js'
export { RECALL_REFUSAL_CODES, RECALL_WINDOW_MS } from './recall-routes.js'
export { GROUP_REFUSAL_CODES, GROUP_MEMBERS_PER_PAGE } from './group-routes.js'
export {
  GroupRoster,
  type GroupSeed,
  type GroupState,
  type GroupBotRole,
  type PendingJoinRequest,
} from './group-roster.js'
export type { FaultEpisode, FaultEpisodeOptions, FaultMatch, FaultResponse } from './faults.js'
export type { HttpConnectionStats } from './connection-tracker.js'
export { PanelBoard, PANEL_WRITES_PER_MINUTE, type StoredPanel, type PanelScopeName } from './panel-board.js'
export type { FakeMediaKind, FakeMediaOptions } from './media-options.js'
export type { MediaStats } from './media-store.js'
export type { TokenGrant } from './token-service.js'
export { TOKEN_REFRESH_WINDOW_SECONDS } from './token-service.js'
export { TOKEN_PATH } from './rest-server.js'
export type { ApiErrorBody } from './http-util.js'
export { TRACE_HEADER } from './http-util.js'
export { rawJson, RawJson } from './raw-json.js'
export { GATEWAY_PATH } from './gateway-server.js'
export { SEND_HIGH_WATER_BYTES } from './gateway-connection.js'
export type {
  BurstEvent,
  DispatchOptions,
  DispatchResult,
  GatewayFrame,
  GatewayFrameListener,
  GatewayStats,
  ShardStateInfo,
  SocketBacklog,
} from './gateway-types.js'
export { GatewayCloseCode, GatewayOp, closeInvalidatesSession } from './gateway-codes.js'
export {
  DEFAULT_GROUP_OPENID,
  DEFAULT_MEMBER_OPENID,
  DEFAULT_USER_OPENID,
  // messages
  c2cMessage,
  directMessage,
  groupAtMessage,
  groupMessage,
  guildAtMessage,
  guildMessage,
  // group and C2C management
  c2cUserEvent,
  enterAio,
  friendAdd,
  groupAddRobot,
  groupJoinRequest,
  groupMemberEvent,
  groupRobotEvent,
  subscribeMessageStatus,
  // interactions
  interaction,
  // guild, channel, member, message side, forum and audio events
  audioAction,
  audioLiveChannelMember,
  channelEvent,
  forumPost,
  forumPublishAuditResult,
  forumReply,
  forumThread,
  guildEvent,
  guildMemberAdd,
  guildMemberEvent,
  messageAudit,
  messageDelete,
  messageReaction,
  openForumEvent,
  type AudioActionEventName,
  type AudioActionInit,
  type AudioLiveChannelMemberEventName,
  type AudioLiveChannelMemberInit,
  type BuiltEvent,
  type ButtonInteractionInit,
  type C2cMessageInit,
  type C2cUserEventInit,
  type C2cUserEventName,
  type ChannelEventInit,
  type ChannelEventName,
  type DirectMessageInit,
  type EnterAioInit,
  type FeedbackInteractionInit,
  type ForumEventInit,
  type ForumPostEventName,
  type ForumPublishAuditResultInit,
  type ForumReplyEventName,
  type ForumThreadEventName,
  type GroupAllMessageInit,
  type GroupJoinRequestInit,
  type GroupMemberEventInit,
  type GroupMemberEventName,
  type GroupMentionInit,
  type GroupMessageInit,
  type GroupRobotEventInit,
  type GroupRobotEventName,
  type GuildEventInit,
  type GuildEventName,
  type GuildMemberEventInit,
  type GuildMemberEventName,
  type GuildMessageInit,
  type InteractionInit,
  type InteractionInitBase,
  type MenuInteractionInit,
  type MessageAuditEventName,
  type MessageAuditInit,
  type MessageDeleteEventName,
  type MessageDeleteInit,
  type MessageReactionEventName,
  type MessageReactionInit,
  type OpenForumEventInit,
  type OpenForumEventName,
  type QuoteInit,
  type SubscribeMessageStatusInit,
} from './event-builders.js'
export {
  Directory,
  SEEDED_CHANNEL_IDS,
  SEEDED_GUILD_ID,
  SEEDED_USER_IDS,
  type FakeChannel,
  type FakeGuild,
  type FakeMember,
  type FakeRole,
} from './directory.js'
