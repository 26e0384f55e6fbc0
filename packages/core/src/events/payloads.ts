/**
 * Event payload shapes: the `d` of an op-0 dispatch, per event name (`t`).
 *
 * Sources: docs/protocol.md (events), after the official docs (tencent-connect/bot-docs),
 * botgo `dto/*.go` and botpy `botpy/types/*.py`. Every field the platform may leave out is optional.
 *
 * What a handler can rely on: a required field is present, with its type, on every event that has no
 * `nonconforming` list (the edge checks these fields, see `schemas.ts`, and rewrites known variants to them,
 * see `normalize.ts`). An event whose payload did not conform is delivered all the same, and its
 * `nonconforming` list names the only fields that may be missing or of another type. Optional fields the
 * schemas do not check are typed from the docs and passed through unchanged.
 */

/** A time value. Message events send RFC 3339 strings; group/C2C management events send Unix seconds. */
export type Timestamp = string | number

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

/** A guild (频道) user, as sent in guild message authors, mentions and member events. */
export interface User {
  /** Guild-scope user id (not a QQ number, not an openid). */
  id: string
  username?: string
  avatar?: string
  bot?: boolean
  /** openid in a specially linked application, if any. */
  union_openid?: string
  /** Account of the linked application's user, paired with `union_openid`. */
  union_user_account?: string
}

/** The partial guild member attached to a guild message (`message.member`). */
export interface Member {
  /** When the user joined the guild (RFC 3339). */
  joined_at?: Timestamp
  /** Role ids. */
  roles?: string[]
  nick?: string
}

/** A file attached to an inbound message (image, voice, video or file). */
export interface Attachment {
  /** Download URL. Guild attachments have been seen without a scheme (`gchat.qpic.cn/...`). */
  url: string
  /** MIME type such as `image/png`, or `voice` / `file`. */
  content_type?: string
  filename?: string
  id?: string
  height?: number
  width?: number
  /** Size in bytes. */
  size?: number
  /** Voice messages (group/C2C): a WAV rendering of the SILK file. */
  voice_wav_url?: string
  /** Voice messages (group/C2C): the platform's speech-to-text. */
  asr_refer_text?: string
}

/** A user @-mentioned in a guild message. `@everyone`-style mentions may come without `id`. */
export interface MentionedUser extends Omit<User, 'id'> {
  id?: string
}

/** The message a message quotes or replies to. */
export interface MessageReference {
  message_id: string
  ignore_get_message_error?: boolean
}

/** One field of an embed. */
export interface EmbedField {
  name?: string
  value?: string
}

/** A structured guild message embed. */
export interface Embed {
  title?: string
  description?: string
  /** Pop-up / message-list summary text. */
  prompt?: string
  thumbnail?: { url?: string }
  fields?: EmbedField[]
}

/** A key/value pair inside an ark object. */
export interface ArkObjKv {
  key?: string
  value?: string
}

/** A key/value entry of an ark template message. */
export interface ArkKv {
  key?: string
  value?: string
  obj?: { obj_kv?: ArkObjKv[] }[]
}

/** An ark (template) message. */
export interface Ark {
  template_id?: number
  kv?: ArkKv[]
}

/** Where a v2 (group/C2C) message came from (botgo `MessageScene`). */
export interface MessageScene {
  /** e.g. `realtime_voice`, `ai_search`; absent for ordinary chat (AIO) messages. */
  source?: string
  callback_data?: string
  [key: string]: unknown
}

/** A guild (频道). */
export interface Guild {
  /** Guild id (differs from the id shown in the QQ client). */
  id: string
  name?: string
  icon?: string
  owner_id?: string
  /** Whether the bot owns the guild. */
  owner?: boolean
  member_count?: number
  max_members?: number
  description?: string
  /** When the bot joined; docs warn it is not normalised in guild events. */
  joined_at?: Timestamp
  union_world_id?: string
  union_org_id?: string
}

/** A guild sub-channel (子频道). */
export interface Channel {
  id: string
  guild_id: string
  name?: string
  /** 0 text, 2 voice, 4 category, 10005 live, 10006 application, 10007 forum. */
  type?: number
  /** 0 chat, 1 notice, 2 guide, 3 team game. */
  sub_type?: number
  position?: number
  parent_id?: string
  owner_id?: string
  /** 0 public, 1 admins only, 2 admins and selected members. */
  private_type?: number
  /** 1 everyone, 2 selected members. */
  speak_permission?: number
  application_id?: string
  /** The bot's permission bits in this channel, as a decimal string. */
  permissions?: string
}

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

/** READY: the session was identified. Store `session_id` for resuming. */
export interface ReadyPayload {
  version?: number
  session_id: string
  /** The bot itself. */
  user: User
  /** `[shard_id, shard_count]`. */
  shard?: number[]
}

/** RESUMED: replay after a resume finished. The docs send `d: ""`; anything else is tolerated. */
export type ResumedPayload = string | null | Record<string, unknown>

// ---------------------------------------------------------------------------------------------
// Guild management (intents GUILDS, GUILD_MEMBERS)
// ---------------------------------------------------------------------------------------------

/** GUILD_CREATE / GUILD_UPDATE / GUILD_DELETE: the guild (after the change; before it for DELETE). */
export interface GuildEventPayload extends Guild {
  /** Who made the change. */
  op_user_id?: string
}

/** CHANNEL_CREATE / CHANNEL_UPDATE / CHANNEL_DELETE: some Channel fields plus the operator. */
export interface ChannelEventPayload extends Channel {
  /** Who made the change. */
  op_user_id?: string
}

/** GUILD_MEMBER_ADD / GUILD_MEMBER_UPDATE / GUILD_MEMBER_REMOVE: the member concerned. */
export interface GuildMemberEventPayload extends Member {
  guild_id: string
  user: User
  /** Who made the change (the member themself when joining or leaving). */
  op_user_id?: string
}

// ---------------------------------------------------------------------------------------------
// Guild messages
// ---------------------------------------------------------------------------------------------

/** A guild channel message (AT_MESSAGE_CREATE, MESSAGE_CREATE). Reply with `msg_id = id`. */
export interface GuildMessage {
  /** Message id; use as `msg_id` for passive replies. */
  id: string
  channel_id: string
  guild_id: string
  /** Text; mentions appear as `<@!user_id>`. May be empty (e.g. image only). */
  content: string
  timestamp?: Timestamp
  edited_timestamp?: Timestamp
  mention_everyone?: boolean
  author: User
  /** The author's guild membership (partial). */
  member?: Member
  attachments?: Attachment[]
  embeds?: Embed[]
  /** Users @-mentioned in `content`. */
  mentions?: MentionedUser[]
  ark?: Ark
  /** Ordering number within the channel (deprecated by the docs in favour of `seq_in_channel`). */
  seq?: number
  /** Ordering number within the channel, as a decimal string. Delivery order is not guaranteed. */
  seq_in_channel?: string
  message_reference?: MessageReference
}

/** A guild direct message (DIRECT_MESSAGE_CREATE). `guild_id` is the DM session, not a real guild. */
export interface DirectMessage extends GuildMessage {
  direct_message?: boolean
  /** The guild the DM was started from. */
  src_guild_id?: string
}

/** The deleted message inside a delete event (only ids and author are sent). */
export interface DeletedMessage {
  id: string
  channel_id?: string
  guild_id?: string
  author?: User
  direct_message?: boolean
  src_guild_id?: string
}

/** MESSAGE_DELETE / PUBLIC_MESSAGE_DELETE / DIRECT_MESSAGE_DELETE: a recalled message. */
export interface MessageDeletePayload {
  message: DeletedMessage
  /** Who deleted it (often only `id`). */
  op_user?: User
}

/** The object a reaction was added to. */
export interface ReactionTarget {
  id: string
  /** 0 message, 1 post, 2 comment, 3 reply. */
  type?: number
}

/** An emoji: `type` 1 is a system emoji (numeric id), 2 an emoji character. */
export interface Emoji {
  id: string
  type?: number
}

/** MESSAGE_REACTION_ADD / MESSAGE_REACTION_REMOVE: a user (un)reacted to a message or post. */
export interface MessageReactionPayload {
  user_id: string
  guild_id: string
  channel_id: string
  target: ReactionTarget
  emoji: Emoji
}

/** MESSAGE_AUDIT_PASS / MESSAGE_AUDIT_REJECT: the outcome of a send that was held for audit. */
export interface MessageAuditPayload {
  audit_id: string
  /** The sent message's id; only on MESSAGE_AUDIT_PASS. */
  message_id?: string
  guild_id?: string
  channel_id?: string
  audit_time?: Timestamp
  create_time?: Timestamp
  seq_in_channel?: string
}

// ---------------------------------------------------------------------------------------------
// Group and C2C (intent GROUP_AND_C2C_EVENT)
// ---------------------------------------------------------------------------------------------

/** The sender of a C2C message. All ids are per-bot openids. */
export interface C2CAuthor {
  /** The user's openid; the target of `/v2/users/{openid}/messages`. Copied from `id` when only that is sent. */
  user_openid: string
  id?: string
  union_openid?: string
}

/** C2C_MESSAGE_CREATE: a user messaged the bot privately. Reply with `msg_id = id` within 60 min. */
export interface C2CMessage {
  /** Message id; may be pushed twice, so dedupe on it. */
  id: string
  /** Text; may be empty when only attachments were sent. */
  content: string
  author: C2CAuthor
  /** RFC 3339. */
  timestamp?: Timestamp
  attachments?: Attachment[]
  message_reference?: MessageReference
  message_scene?: MessageScene
  message_type?: number
  msg_idx?: string
  /** The quoted message of a quote reply. */
  msg_elements?: QuotedMessageElement[]
}

/** The sender of a group message. */
export interface GroupAuthor {
  /**
   * The sender's openid within this group (differs per group). Some payloads carry it only as `id`; the edge
   * copies it here, so it is set on every conforming event.
   */
  member_openid: string
  id?: string
  union_openid?: string
  /** The sender's role in the group (GROUP_MESSAGE_CREATE, 2026). */
  member_role?: 'member' | 'admin' | 'owner' | (string & {})
  username?: string
  bot?: boolean
}

/** Someone @-mentioned in a group message (2026 payloads). The bot itself has `is_you: true`. */
export interface GroupMention {
  /** `single` for one member, `all` for @all. */
  scope?: 'single' | 'all' | (string & {})
  id?: string
  member_openid?: string
  username?: string
  bot?: boolean
  /** True when the mention is of this bot: with all group messages on, this is how an @ of the bot shows. */
  is_you?: boolean
}

/** A quoted message inside a group or C2C message (`msg_elements`). */
export interface QuotedMessageElement {
  msg_idx?: string
  content?: string
  message_type?: number
  attachments?: Attachment[]
  author?: Record<string, unknown>
  [key: string]: unknown
}

/** GROUP_AT_MESSAGE_CREATE / GROUP_MESSAGE_CREATE: a group message. Reply with `msg_id = id` within 5 min. */
export interface GroupMessage {
  /** Message id; may be pushed twice, so dedupe on it. */
  id: string
  /** Text; keeps the leading space or mention left by the @. May be empty. */
  content: string
  /** The group's openid; the target of `/v2/groups/{group_openid}/messages`. */
  group_openid: string
  /** Same value as `group_openid` on the payloads that carry it (older payloads carry only this one). */
  group_id?: string
  author: GroupAuthor
  /** RFC 3339. */
  timestamp?: Timestamp
  attachments?: Attachment[]
  /** Who is @-mentioned; `is_you` marks the bot (GROUP_MESSAGE_CREATE carries the @ here, not in `content`). */
  mentions?: GroupMention[]
  message_reference?: MessageReference
  message_scene?: MessageScene
  /** 103 is a quote reply (third-party observation). */
  message_type?: number
  msg_idx?: string
  /** The quoted message of a quote reply. */
  msg_elements?: QuotedMessageElement[]
}

/** FRIEND_ADD / FRIEND_DEL / C2C_MSG_REJECT / C2C_MSG_RECEIVE: a user (un)added the bot or toggled proactive messages. */
export interface C2CUserEventPayload {
  /** The user's openid. */
  openid: string
  /** Unix seconds. */
  timestamp?: Timestamp
  /** botgo only ("to be filled in by the event pipeline"). */
  nick?: string
  /** botgo only. */
  avatar?: string
}

/** GROUP_ADD_ROBOT / GROUP_DEL_ROBOT / GROUP_MSG_REJECT / GROUP_MSG_RECEIVE: the bot was (re)moved or proactive messages toggled. */
export interface GroupRobotEventPayload {
  group_openid: string
  /** The member who did it. */
  op_member_openid?: string
  /** Unix seconds. */
  timestamp?: Timestamp
}

/** GROUP_MEMBER_ADD / GROUP_MEMBER_REMOVE / GROUP_MEMBER_UPDATE (intent GROUP_MEMBER): someone joined, left or changed in a group the bot is in. */
export interface GroupMemberEventPayload {
  group_openid: string
  /** The member's openid in this group; copied from `user_openid` when only that is sent. */
  member_openid: string
  /** Seen in one third-party capture instead of (or beside) `member_openid`. */
  user_openid?: string
  union_openid?: string
  /** Unix seconds. */
  timestamp?: Timestamp
}

/** How a join request was verified (GROUP_JOIN_REQUEST). */
export interface JoinRequestVerifyInfo {
  /** e.g. `verify_message`. */
  method?: string
  verify_message?: string
  [key: string]: unknown
}

/** GROUP_JOIN_REQUEST: someone asked to join a group where the bot is an admin. Approve or decline through the group API. */
export interface GroupJoinRequestPayload {
  group_openid: string
  /** Pass back when approving or declining. */
  join_request_id: string
  member_openid: string
  union_openid?: string
  username?: string
  /** RFC 3339. */
  apply_at?: Timestamp
  /** e.g. `self_apply`. */
  apply_source?: string
  invited_by?: string
  bot?: boolean
  risk_tips?: string
  verify_info?: JoinRequestVerifyInfo
  [key: string]: unknown
}

/** One template authorisation result inside SUBSCRIBE_MESSAGE_STATUS. */
export interface SubscribeTemplateResult {
  template_id?: number
  custom_template_id?: string
  /** 1 allowed, 2 refused. */
  op?: number
  subscribe_id?: string
  /** Unix time of the change. */
  update_ts?: number
}

/** SUBSCRIBE_MESSAGE_STATUS: a user or group changed a subscription-message authorisation (botgo only). */
export interface SubscribeMessageStatusPayload {
  /** Set when a group subscribed. */
  group_openid?: string
  /** Set when a user subscribed. */
  openid?: string
  result?: SubscribeTemplateResult[]
  [key: string]: unknown
}

/** ENTER_AIO: a user opened the chat window (AIO) with the bot (botgo only). */
export interface EnterAioPayload {
  user_openid: string
  /** Where the user came from. */
  from_source?: string
}

// ---------------------------------------------------------------------------------------------
// Interactions (intent INTERACTION)
// ---------------------------------------------------------------------------------------------

/** The scene an interaction happened in. */
export type InteractionScene = 'c2c' | 'group' | 'guild' | (string & {})

/** Button / menu details of an interaction (`data.resolved`). */
export interface InteractionResolved {
  /** The `data` of the clicked button, as set when sending it. */
  button_data?: string
  /** The `id` of the clicked button. */
  button_id?: string
  /** The guild user id; guild scene only. */
  user_id?: string
  /** The menu item id; custom C2C menus only. */
  feature_id?: string
  /** The message the button belongs to; guild scene only. */
  message_id?: string
  /** Type 13 (answer feedback): whether the like/dislike was set. */
  checked?: number
  /** Type 13 (answer feedback): the option chosen. */
  feedback_opt?: string
}

/** The `data` of an interaction. */
export interface InteractionData {
  /** 11 message button, 12 C2C quick menu, 13 answer feedback (see also the top-level `type`). */
  type?: number
  name?: string
  resolved?: InteractionResolved
}

/** INTERACTION_CREATE: a callback button or menu was clicked. Ack with `PUT /interactions/{id}`. */
export interface InteractionPayload {
  /** Interaction id; also usable as `event_id` for a passive reply. */
  id: string
  /** 11 message button, 12 C2C quick menu, 13 answer feedback (like/dislike); botgo also has 9 and 14. */
  type?: number
  scene?: InteractionScene
  /** 0 guild, 1 group, 2 C2C. */
  chat_type?: number
  timestamp?: Timestamp
  application_id?: string
  /** Guild scene only. */
  guild_id?: string
  /** Guild scene only. */
  channel_id?: string
  /** Group scene only. */
  group_openid?: string
  /** The clicking member's openid; group scene only. */
  group_member_openid?: string
  /** The clicking user's openid; C2C scene only. */
  user_openid?: string
  data?: InteractionData
  /** Always 1 so far. */
  version?: number
}

// ---------------------------------------------------------------------------------------------
// Forums (intents FORUMS_EVENT, OPEN_FORUMS_EVENT). Only ids are documented reliably.
// ---------------------------------------------------------------------------------------------

/** A thread inside a FORUM_THREAD_* event. */
export interface ForumThreadInfo {
  thread_id: string
  /** Rich text encoded as a JSON string. */
  title?: string
  /** Rich text encoded as a JSON string. */
  content?: string
  date_time?: Timestamp
  [key: string]: unknown
}

/** FORUM_THREAD_CREATE / FORUM_THREAD_UPDATE / FORUM_THREAD_DELETE: a forum thread changed (private-domain bots). */
export interface ForumThreadPayload {
  guild_id: string
  channel_id: string
  author_id?: string
  thread_info?: ForumThreadInfo
  [key: string]: unknown
}

/** A post (comment on a thread) inside a FORUM_POST_* event. */
export interface ForumPostInfo {
  thread_id: string
  post_id: string
  /** Rich text encoded as a JSON string. */
  content?: string
  date_time?: Timestamp
  [key: string]: unknown
}

/** FORUM_POST_CREATE / FORUM_POST_DELETE: a post on a forum thread changed. */
export interface ForumPostPayload {
  guild_id: string
  channel_id: string
  author_id?: string
  post_info?: ForumPostInfo
  [key: string]: unknown
}

/** A reply (to a post) inside a FORUM_REPLY_* event. */
export interface ForumReplyInfo {
  thread_id: string
  post_id: string
  reply_id: string
  content?: string
  date_time?: Timestamp
  [key: string]: unknown
}

/** FORUM_REPLY_CREATE / FORUM_REPLY_DELETE: a reply to a forum post changed. */
export interface ForumReplyPayload {
  guild_id: string
  channel_id: string
  author_id?: string
  reply_info?: ForumReplyInfo
  [key: string]: unknown
}

/** FORUM_PUBLISH_AUDIT_RESULT: the audit outcome of something the bot published in a forum. */
export interface ForumPublishAuditResultPayload {
  guild_id: string
  channel_id: string
  task_id?: string
  author_id?: string
  thread_id?: string
  post_id?: string
  reply_id?: string
  /** 1 thread, 2 post, 3 reply. */
  type?: number
  /** 0 passed, otherwise failed (see `err_msg`). */
  result?: number
  err_msg?: string
  date_time?: Timestamp
  [key: string]: unknown
}

/** OPEN_FORUM_THREAD_* / OPEN_FORUM_POST_* / OPEN_FORUM_REPLY_*: public-domain forum events; only ids are known (botpy `OpenForumEvent`). */
export interface OpenForumEventPayload {
  guild_id: string
  channel_id: string
  author_id?: string
  [key: string]: unknown
}

// ---------------------------------------------------------------------------------------------
// Audio (intents AUDIO_ACTION, AUDIO_OR_LIVE_CHANNEL_MEMBER)
// ---------------------------------------------------------------------------------------------

/** AUDIO_START / AUDIO_FINISH / AUDIO_ON_MIC / AUDIO_OFF_MIC: audio-bot playback or mic state in a voice channel. */
export interface AudioActionPayload {
  guild_id: string
  channel_id: string
  /** The audio being played (START/FINISH). */
  audio_url?: string
  /** Status text shown while playing. */
  text?: string
  [key: string]: unknown
}

/** AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER / _EXIT: a user entered or left a voice or live channel (botpy `AudioLive`). */
export interface AudioLiveChannelMemberPayload {
  guild_id: string
  channel_id: string
  /** 2 voice channel, 5 live channel. */
  channel_type?: number
  user_id?: string
  [key: string]: unknown
}
