/**
 * Dispatch event names (`t` of op 0) and the payload type each one carries.
 * See docs/protocol.md (intents, events).
 */
import type {
  AudioActionPayload,
  AudioLiveChannelMemberPayload,
  C2CMessage,
  C2CUserEventPayload,
  ChannelEventPayload,
  DirectMessage,
  EnterAioPayload,
  ForumPostPayload,
  ForumPublishAuditResultPayload,
  ForumReplyPayload,
  ForumThreadPayload,
  GroupJoinRequestPayload,
  GroupMemberEventPayload,
  GroupMessage,
  GroupRobotEventPayload,
  GuildEventPayload,
  GuildMemberEventPayload,
  GuildMessage,
  InteractionPayload,
  MessageAuditPayload,
  MessageDeletePayload,
  MessageReactionPayload,
  OpenForumEventPayload,
  ReadyPayload,
  ResumedPayload,
  SubscribeMessageStatusPayload,
} from './payloads.js'

/** Maps every known event name to the type of its payload (`d`). */
export interface EventPayloadMap {
  // Session
  READY: ReadyPayload
  RESUMED: ResumedPayload
  // GUILDS
  GUILD_CREATE: GuildEventPayload
  GUILD_UPDATE: GuildEventPayload
  GUILD_DELETE: GuildEventPayload
  CHANNEL_CREATE: ChannelEventPayload
  CHANNEL_UPDATE: ChannelEventPayload
  CHANNEL_DELETE: ChannelEventPayload
  // GUILD_MEMBERS
  GUILD_MEMBER_ADD: GuildMemberEventPayload
  GUILD_MEMBER_UPDATE: GuildMemberEventPayload
  GUILD_MEMBER_REMOVE: GuildMemberEventPayload
  // GUILD_MESSAGES (private domain)
  MESSAGE_CREATE: GuildMessage
  MESSAGE_DELETE: MessageDeletePayload
  // PUBLIC_GUILD_MESSAGES
  AT_MESSAGE_CREATE: GuildMessage
  PUBLIC_MESSAGE_DELETE: MessageDeletePayload
  // DIRECT_MESSAGE
  DIRECT_MESSAGE_CREATE: DirectMessage
  DIRECT_MESSAGE_DELETE: MessageDeletePayload
  // GUILD_MESSAGE_REACTIONS
  MESSAGE_REACTION_ADD: MessageReactionPayload
  MESSAGE_REACTION_REMOVE: MessageReactionPayload
  // GROUP_AND_C2C_EVENT
  C2C_MESSAGE_CREATE: C2CMessage
  FRIEND_ADD: C2CUserEventPayload
  FRIEND_DEL: C2CUserEventPayload
  C2C_MSG_REJECT: C2CUserEventPayload
  C2C_MSG_RECEIVE: C2CUserEventPayload
  GROUP_AT_MESSAGE_CREATE: GroupMessage
  /** Observed, undocumented: group messages without an @ (needs the per-group "all messages" permission). */
  GROUP_MESSAGE_CREATE: GroupMessage
  GROUP_ADD_ROBOT: GroupRobotEventPayload
  GROUP_DEL_ROBOT: GroupRobotEventPayload
  GROUP_MSG_REJECT: GroupRobotEventPayload
  GROUP_MSG_RECEIVE: GroupRobotEventPayload
  // GROUP_MEMBER (2025–2026)
  GROUP_MEMBER_ADD: GroupMemberEventPayload
  GROUP_MEMBER_REMOVE: GroupMemberEventPayload
  /** Listed by one third-party adapter only; typed like the other member events. */
  GROUP_MEMBER_UPDATE: GroupMemberEventPayload
  /** A request to join a group where the bot is an admin. Its intent is undocumented (see Intents.GROUP_MEMBER). */
  GROUP_JOIN_REQUEST: GroupJoinRequestPayload
  SUBSCRIBE_MESSAGE_STATUS: SubscribeMessageStatusPayload
  // INTERACTION
  INTERACTION_CREATE: InteractionPayload
  // MESSAGE_AUDIT
  MESSAGE_AUDIT_PASS: MessageAuditPayload
  MESSAGE_AUDIT_REJECT: MessageAuditPayload
  // FORUMS_EVENT (private domain)
  FORUM_THREAD_CREATE: ForumThreadPayload
  FORUM_THREAD_UPDATE: ForumThreadPayload
  FORUM_THREAD_DELETE: ForumThreadPayload
  FORUM_POST_CREATE: ForumPostPayload
  FORUM_POST_DELETE: ForumPostPayload
  FORUM_REPLY_CREATE: ForumReplyPayload
  FORUM_REPLY_DELETE: ForumReplyPayload
  FORUM_PUBLISH_AUDIT_RESULT: ForumPublishAuditResultPayload
  // OPEN_FORUMS_EVENT
  OPEN_FORUM_THREAD_CREATE: OpenForumEventPayload
  OPEN_FORUM_THREAD_UPDATE: OpenForumEventPayload
  OPEN_FORUM_THREAD_DELETE: OpenForumEventPayload
  OPEN_FORUM_POST_CREATE: OpenForumEventPayload
  OPEN_FORUM_POST_DELETE: OpenForumEventPayload
  OPEN_FORUM_REPLY_CREATE: OpenForumEventPayload
  OPEN_FORUM_REPLY_DELETE: OpenForumEventPayload
  // AUDIO_ACTION
  AUDIO_START: AudioActionPayload
  AUDIO_FINISH: AudioActionPayload
  AUDIO_ON_MIC: AudioActionPayload
  AUDIO_OFF_MIC: AudioActionPayload
  // AUDIO_OR_LIVE_CHANNEL_MEMBER
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: AudioLiveChannelMemberPayload
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: AudioLiveChannelMemberPayload
  // ENTER_AIO
  ENTER_AIO: EnterAioPayload
}

/** An event name this package knows the payload of. */
export type KnownEventName = keyof EventPayloadMap

// A record keyed by every KnownEventName: adding a name to EventPayloadMap without listing it
// here (or the reverse) fails to compile, so KNOWN_EVENT_NAMES can never drift from the map.
const KNOWN: { readonly [K in KnownEventName]: true } = {
  READY: true,
  RESUMED: true,
  GUILD_CREATE: true,
  GUILD_UPDATE: true,
  GUILD_DELETE: true,
  CHANNEL_CREATE: true,
  CHANNEL_UPDATE: true,
  CHANNEL_DELETE: true,
  GUILD_MEMBER_ADD: true,
  GUILD_MEMBER_UPDATE: true,
  GUILD_MEMBER_REMOVE: true,
  MESSAGE_CREATE: true,
  MESSAGE_DELETE: true,
  AT_MESSAGE_CREATE: true,
  PUBLIC_MESSAGE_DELETE: true,
  DIRECT_MESSAGE_CREATE: true,
  DIRECT_MESSAGE_DELETE: true,
  MESSAGE_REACTION_ADD: true,
  MESSAGE_REACTION_REMOVE: true,
  C2C_MESSAGE_CREATE: true,
  FRIEND_ADD: true,
  FRIEND_DEL: true,
  C2C_MSG_REJECT: true,
  C2C_MSG_RECEIVE: true,
  GROUP_AT_MESSAGE_CREATE: true,
  GROUP_MESSAGE_CREATE: true,
  GROUP_ADD_ROBOT: true,
  GROUP_DEL_ROBOT: true,
  GROUP_MSG_REJECT: true,
  GROUP_MSG_RECEIVE: true,
  GROUP_MEMBER_ADD: true,
  GROUP_MEMBER_REMOVE: true,
  GROUP_MEMBER_UPDATE: true,
  GROUP_JOIN_REQUEST: true,
  SUBSCRIBE_MESSAGE_STATUS: true,
  INTERACTION_CREATE: true,
  MESSAGE_AUDIT_PASS: true,
  MESSAGE_AUDIT_REJECT: true,
  FORUM_THREAD_CREATE: true,
  FORUM_THREAD_UPDATE: true,
  FORUM_THREAD_DELETE: true,
  FORUM_POST_CREATE: true,
  FORUM_POST_DELETE: true,
  FORUM_REPLY_CREATE: true,
  FORUM_REPLY_DELETE: true,
  FORUM_PUBLISH_AUDIT_RESULT: true,
  OPEN_FORUM_THREAD_CREATE: true,
  OPEN_FORUM_THREAD_UPDATE: true,
  OPEN_FORUM_THREAD_DELETE: true,
  OPEN_FORUM_POST_CREATE: true,
  OPEN_FORUM_POST_DELETE: true,
  OPEN_FORUM_REPLY_CREATE: true,
  OPEN_FORUM_REPLY_DELETE: true,
  AUDIO_START: true,
  AUDIO_FINISH: true,
  AUDIO_ON_MIC: true,
  AUDIO_OFF_MIC: true,
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: true,
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: true,
  ENTER_AIO: true,
}

/** Every known event name, in the order of EventPayloadMap. */
export const KNOWN_EVENT_NAMES: readonly KnownEventName[] = Object.freeze(Object.keys(KNOWN) as KnownEventName[])

const KNOWN_SET: ReadonlySet<string> = new Set(KNOWN_EVENT_NAMES)

/** Whether `name` is an event name this package has a payload type and schema for. */
export function isKnownEventName(name: string): name is KnownEventName {
  return KNOWN_SET.has(name)
}

/** Events that carry a message a user sent (guild channel, guild DM, group and C2C). */
export const MESSAGE_EVENT_NAMES = Object.freeze([
  'AT_MESSAGE_CREATE',
  'MESSAGE_CREATE',
  'DIRECT_MESSAGE_CREATE',
  'GROUP_AT_MESSAGE_CREATE',
  'GROUP_MESSAGE_CREATE',
  'C2C_MESSAGE_CREATE',
] as const) satisfies readonly KnownEventName[]

/** An event that carries a user message. */
export type MessageEventName = (typeof MESSAGE_EVENT_NAMES)[number]

/** The payload of any user-message event. */
export type MessageEventPayload = EventPayloadMap[MessageEventName]

const MESSAGE_SET: ReadonlySet<string> = new Set(MESSAGE_EVENT_NAMES)

/** Whether `name` is an event that carries a user message. */
export function isMessageEvent(name: string): name is MessageEventName {
  return MESSAGE_SET.has(name)
}
