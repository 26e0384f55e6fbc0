import { DEFAULT_BOT_USER } from './options.js'
import { SEEDED_CHANNEL_IDS, SEEDED_GUILD_ID, SEEDED_USER_IDS } from './directory.js'
import { randomHex, uniqueId } from './ids.js'
import { rfc3339 } from './time.js'

/** A gateway event ready for `platform.dispatch(e.t, e.d, { id: e.id })` or `platform.dispatchEvent(e)`. */
export interface BuiltEvent<D = Record<string, unknown>> {
  /** Event type. */
  t: string
  /** Event data. */
  d: D
  /** Payload-level event id, when the event type ties it to `d` (interactions). */
  id?: string
}

/** Options shared by the guild message builders. */
export interface GuildMessageInit {
  /** Message text (for `guildAtMessage`, without the leading bot mention). */
  content: string
  /** Channel id; default `'channel-1'`. */
  channelId?: string
  /** Guild id; default `'guild-1'`. */
  guildId?: string
  /** Author user id; default the seeded member `2000000000000000002`. */
  authorId?: string
  /** Author name; default `'alice'`. */
  username?: string
  /** Bot id used in the mention; default the default bot user id. */
  botId?: string
  /** Message id; default a fresh unique id. */
  id?: string
  /** Message time in ms; default now. */
  timestamp?: number
}

/** Options for {@link directMessage}. */
export interface DirectMessageInit extends Omit<GuildMessageInit, 'botId'> {
  /** Guild the DM was started from; default `'guild-1'`. */
  srcGuildId?: string
}

/** Options for {@link groupAtMessage}, and the base of those for {@link groupMessage}. */
export interface GroupMessageInit {
  /** Message text without the leading space the platform adds. */
  content: string
  /** Group openid; default `'GROUP_OPENID_0001'`. */
  groupOpenid?: string
  /** Sender's member openid; default `'MEMBER_OPENID_0001'`. */
  memberOpenid?: string
  /** Message id; default a fresh unique id. */
  id?: string
  /** Message time in ms; default now. */
  timestamp?: number
}

/** Options for {@link c2cMessage}. */
export interface C2cMessageInit {
  /** Message text. */
  content: string
  /** Sender's user openid; default `'USER_OPENID_0001'`. */
  userOpenid?: string
  /** Message id; default a fresh unique id. */
  id?: string
  /** Message time in ms; default now. */
  timestamp?: number
}

/** Fields every {@link interaction} init may set: the ids of its scene, the interaction id and the time. */
export interface InteractionInitBase {
  /** Group openid (group scene); default `'GROUP_OPENID_0001'`. */
  groupOpenid?: string
  /** Clicking member's openid (group scene); default `'MEMBER_OPENID_0001'`. */
  memberOpenid?: string
  /** Clicking user's openid (c2c scene); default `'USER_OPENID_0001'`. */
  userOpenid?: string
  /** Guild id (guild scene); default `'guild-1'`. */
  guildId?: string
  /** Channel id (guild scene); default `'channel-1'`. */
  channelId?: string
  /** Clicking user id (guild scene, sent as `data.resolved.user_id`); default the seeded member `2000000000000000002`. */
  userId?: string
  /** Interaction id (also the payload id); default a fresh unique id. */
  id?: string
  /** Click time in ms (sent as RFC 3339); default now. */
  timestamp?: number
}

/** A click on a callback button of a message keyboard (`type` 11), in any scene. */
export interface ButtonInteractionInit extends InteractionInitBase {
  /** 11, the default. */
  type?: 11
  /** Where the button was clicked. */
  scene: 'group' | 'c2c' | 'guild'
  /** `data.resolved.button_data`. */
  buttonData: string
  /** `data.resolved.button_id`; default `'1'`. */
  buttonId?: string
  /** Id of the message carrying the button; default a fresh id. */
  messageId?: string
}

/** A tap on an item of the C2C quick menu (`type` 12): C2C only, identified by `feature_id`. */
export interface MenuInteractionInit extends InteractionInitBase {
  type: 12
  /** Always `'c2c'` (the default). */
  scene?: 'c2c'
  /** `data.resolved.feature_id`: the menu item; default `'1'`. */
  featureId?: string
  /** `data.resolved.button_data`, when the item carries data; default none. */
  buttonData?: string
}

/** A like/dislike on an answer's feedback buttons (`type` 13). */
export interface FeedbackInteractionInit extends InteractionInitBase {
  type: 13
  /** Where the answer was shown; default `'c2c'` (feedback buttons ride on C2C stream answers). */
  scene?: 'c2c' | 'group'
  /** `data.resolved.checked`: 1 when the like/dislike was set, 0 when it was taken back; default 1. */
  checked?: number
  /** `data.resolved.feedback_opt`: the option chosen; default `''`. */
  feedbackOpt?: string
  /** `data.resolved.button_id`, when sent; default none. */
  buttonId?: string
  /** `data.resolved.button_data`, when sent; default none. */
  buttonData?: string
  /** Id of the answer the feedback is about; default a fresh id. */
  messageId?: string
}

/** Options for {@link interaction}: a button click (11, the default), a C2C menu tap (12) or answer feedback (13). */
export type InteractionInit = ButtonInteractionInit | MenuInteractionInit | FeedbackInteractionInit

/** Default group openid of the builders. */
export const DEFAULT_GROUP_OPENID = 'GROUP_OPENID_0001'
/** Default member openid of the builders. */
export const DEFAULT_MEMBER_OPENID = 'MEMBER_OPENID_0001'
/** Default user openid of the builders. */
export const DEFAULT_USER_OPENID = 'USER_OPENID_0001'

const DEFAULT_AUTHOR_ID = SEEDED_USER_IDS[1]
const DEFAULT_CHANNEL_ID = SEEDED_CHANNEL_IDS[0]
/** The bot's member openid in the builders' groups (its `mentions` entry). */
const DEFAULT_BOT_MEMBER_OPENID = 'BOT_MEMBER_OPENID_0001'
const DEFAULT_FORUM_CHANNEL_ID = 'forum-channel-1'
const DEFAULT_VOICE_CHANNEL_ID = 'voice-channel-1'
/** `joined_at` of the seeded guild and its members. */
const SEEDED_JOINED_AT = '2024-01-01T12:00:00+08:00'
let guildSeq = 0

/** A time in ms as the Unix seconds the group and C2C management events carry. */
function unixSeconds(ms: number = Date.now()): number {
  return Math.floor(ms / 1000)
}

function guildMessageData(init: GuildMessageInit, content: string, mentionsBot: boolean): Record<string, unknown> {
  guildSeq += 1
  const botId = init.botId ?? DEFAULT_BOT_USER.id
  const username = init.username ?? 'alice'
  return {
    id: init.id ?? `08${uniqueId()}${randomHex(6)}`,
    channel_id: init.channelId ?? DEFAULT_CHANNEL_ID,
    guild_id: init.guildId ?? SEEDED_GUILD_ID,
    content,
    timestamp: rfc3339(init.timestamp),
    edited_timestamp: '',
    mention_everyone: false,
    author: { id: init.authorId ?? DEFAULT_AUTHOR_ID, username, avatar: '', bot: false },
    member: { joined_at: SEEDED_JOINED_AT, roles: ['1'], nick: username },
    mentions: mentionsBot ? [{ id: botId, username: DEFAULT_BOT_USER.username, avatar: '', bot: true }] : [],
    attachments: [],
    embeds: [],
    seq: guildSeq,
    seq_in_channel: String(guildSeq),
  }
}

/** An AT_MESSAGE_CREATE (public guild @bot message); `content` is prefixed with `<@!BOTID> `. */
export function guildAtMessage(init: GuildMessageInit): BuiltEvent {
  const botId = init.botId ?? DEFAULT_BOT_USER.id
  return { t: 'AT_MESSAGE_CREATE', d: guildMessageData(init, `<@!${botId}> ${init.content}`, true) }
}

/** A MESSAGE_CREATE (private-domain guild message, no mention added). */
export function guildMessage(init: GuildMessageInit): BuiltEvent {
  return { t: 'MESSAGE_CREATE', d: guildMessageData(init, init.content, false) }
}

/** A DIRECT_MESSAGE_CREATE with `direct_message: true` and `src_guild_id`. */
export function directMessage(init: DirectMessageInit): BuiltEvent {
  const authorId = init.authorId ?? DEFAULT_AUTHOR_ID
  const d = guildMessageData(
    { ...init, guildId: init.guildId ?? `dms-${authorId}`, channelId: init.channelId ?? `dm-channel-${authorId}` },
    init.content,
    false,
  )
  d.direct_message = true
  d.src_guild_id = init.srcGuildId ?? SEEDED_GUILD_ID
  return { t: 'DIRECT_MESSAGE_CREATE', d }
}

/** A GROUP_AT_MESSAGE_CREATE; `content` gets the leading space the platform keeps. */
export function groupAtMessage(init: GroupMessageInit): BuiltEvent {
  const groupOpenid = init.groupOpenid ?? DEFAULT_GROUP_OPENID
  const memberOpenid = init.memberOpenid ?? DEFAULT_MEMBER_OPENID
  return {
    t: 'GROUP_AT_MESSAGE_CREATE',
    d: {
      id: init.id ?? `ROBOT1.0_${uniqueId()}`,
      content: ` ${init.content}`,
      timestamp: rfc3339(init.timestamp),
      author: { id: memberOpenid, member_openid: memberOpenid, union_openid: '' },
      group_id: groupOpenid,
      group_openid: groupOpenid,
      attachments: [],
      message_scene: { source: 'default' },
      message_type: 0,
    },
  }
}

/** A C2C_MESSAGE_CREATE. */
export function c2cMessage(init: C2cMessageInit): BuiltEvent {
  const userOpenid = init.userOpenid ?? DEFAULT_USER_OPENID
  return {
    t: 'C2C_MESSAGE_CREATE',
    d: {
      id: init.id ?? `ROBOT1.0_${uniqueId()}`,
      content: init.content,
      timestamp: rfc3339(init.timestamp),
      author: { id: userOpenid, user_openid: userOpenid, union_openid: '' },
      attachments: [],
      message_scene: { source: 'default' },
      message_type: 0,
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Group messages with "all messages" on (GROUP_MESSAGE_CREATE)
// ---------------------------------------------------------------------------------------------

/** Someone else @-mentioned in a {@link groupMessage}. */
export interface GroupMentionInit {
  /** The member's openid in the group. */
  memberOpenid: string
  /** Default `'member'`. */
  username?: string
  /** Whether the mentioned member is a bot (another one); default false. */
  bot?: boolean
}

/** A message quoted by a {@link groupMessage} (a quote reply, `message_type` 103). */
export interface QuoteInit {
  /** Text of the quoted message. */
  content: string
  /** `msg_idx` of the quoted message; default a fresh one. */
  msgIdx?: string
  /** Author of the quoted message; default the bot (`botMemberOpenid`). */
  memberOpenid?: string
}

/** Options for {@link groupMessage}. */
export interface GroupAllMessageInit extends GroupMessageInit {
  /** Adds the bot to `mentions` as `{ scope: 'single', is_you: true, … }`: how an @ of the bot shows in this event. Default false. */
  mentionsBot?: boolean
  /** The bot's member openid in the group (its entry in `mentions`); default `'BOT_MEMBER_OPENID_0001'`. */
  botMemberOpenid?: string
  /** Other members @-mentioned, in order after the bot. Default none. */
  mentions?: readonly GroupMentionInit[]
  /** Adds an @all entry (`{ scope: 'all' }`). Default false. */
  mentionsAll?: boolean
  /** `author.member_role`; default `'member'`. */
  memberRole?: 'member' | 'admin' | 'owner'
  /** `author.username`; default `'alice'`. */
  username?: string
  /** Makes the message a quote reply: `message_type` 103 and the quoted message in `msg_elements`. Default none. */
  quote?: QuoteInit
}

/**
 * A GROUP_MESSAGE_CREATE: a group message as sent when the group's "all messages" switch is on, with or
 * without an @ of the bot. Unlike {@link groupAtMessage}, `content` is kept as given (no leading space): the @
 * shows only in `mentions[]`, where `is_you: true` marks the bot (`mentionsBot`). `author` carries
 * `member_role`; `message_scene.ext` carries the message's own `msg_idx`.
 */
export function groupMessage(init: GroupAllMessageInit): BuiltEvent {
  const groupOpenid = init.groupOpenid ?? DEFAULT_GROUP_OPENID
  const memberOpenid = init.memberOpenid ?? DEFAULT_MEMBER_OPENID
  const botMemberOpenid = init.botMemberOpenid ?? DEFAULT_BOT_MEMBER_OPENID
  const msgIdx = `REFIDX_${uniqueId()}`
  const mentions: Record<string, unknown>[] = []
  if (init.mentionsBot) {
    mentions.push({
      scope: 'single',
      id: botMemberOpenid,
      member_openid: botMemberOpenid,
      username: DEFAULT_BOT_USER.username,
      bot: true,
      is_you: true,
    })
  }
  for (const m of init.mentions ?? []) {
    mentions.push({
      scope: 'single',
      id: m.memberOpenid,
      member_openid: m.memberOpenid,
      username: m.username ?? 'member',
      bot: m.bot ?? false,
      is_you: false,
    })
  }
  if (init.mentionsAll) mentions.push({ scope: 'all' })
  const d: Record<string, unknown> = {
    id: init.id ?? `ROBOT1.0_${uniqueId()}`,
    content: init.content,
    timestamp: rfc3339(init.timestamp),
    author: {
      id: memberOpenid,
      member_openid: memberOpenid,
      member_role: init.memberRole ?? 'member',
      union_openid: '',
      username: init.username ?? 'alice',
      bot: false,
    },
    group_id: groupOpenid,
    group_openid: groupOpenid,
    mentions,
    attachments: [],
    message_scene: { source: 'default', ext: [`msg_idx=${msgIdx}`] },
    message_type: 0,
    msg_idx: msgIdx,
  }
  if (init.quote) {
    const quotedAuthor = init.quote.memberOpenid ?? botMemberOpenid
    d.message_type = 103
    d.msg_elements = [
      {
        msg_idx: init.quote.msgIdx ?? `REFIDX_${uniqueId()}`,
        content: init.quote.content,
        message_type: 0,
        attachments: [],
        author: { id: quotedAuthor, member_openid: quotedAuthor },
      },
    ]
  }
  return { t: 'GROUP_MESSAGE_CREATE', d }
}

// ---------------------------------------------------------------------------------------------
// Group and C2C management events (Unix-seconds timestamps)
// ---------------------------------------------------------------------------------------------

/** Events about the bot in a group: added, removed, proactive messages refused or allowed again. */
export type GroupRobotEventName = 'GROUP_ADD_ROBOT' | 'GROUP_DEL_ROBOT' | 'GROUP_MSG_REJECT' | 'GROUP_MSG_RECEIVE'

/** Options for {@link groupRobotEvent}. */
export interface GroupRobotEventInit {
  /** Group openid; default `'GROUP_OPENID_0001'`. */
  groupOpenid?: string
  /** Member who did it; default `'MEMBER_OPENID_0001'`. */
  opMemberOpenid?: string
  /** Event time in ms (sent as Unix seconds); default now. */
  timestamp?: number
}

/** A GROUP_ADD_ROBOT, GROUP_DEL_ROBOT, GROUP_MSG_REJECT or GROUP_MSG_RECEIVE (`timestamp` in Unix seconds). */
export function groupRobotEvent(name: GroupRobotEventName, init: GroupRobotEventInit = {}): BuiltEvent {
  return {
    t: name,
    d: {
      timestamp: unixSeconds(init.timestamp),
      group_openid: init.groupOpenid ?? DEFAULT_GROUP_OPENID,
      op_member_openid: init.opMemberOpenid ?? DEFAULT_MEMBER_OPENID,
    },
  }
}

/** A GROUP_ADD_ROBOT (`timestamp` is epoch seconds as an integer); `groupRobotEvent('GROUP_ADD_ROBOT', init)`. */
export function groupAddRobot(init: GroupRobotEventInit = {}): BuiltEvent {
  return groupRobotEvent('GROUP_ADD_ROBOT', init)
}

/** Events about a user and the bot in C2C: friend added or removed, proactive messages refused or allowed again. */
export type C2cUserEventName = 'FRIEND_ADD' | 'FRIEND_DEL' | 'C2C_MSG_REJECT' | 'C2C_MSG_RECEIVE'

/** Options for {@link c2cUserEvent}. */
export interface C2cUserEventInit {
  /** The user's openid; default `'USER_OPENID_0001'`. */
  openid?: string
  /** Event time in ms (sent as Unix seconds); default now. */
  timestamp?: number
}

/** A FRIEND_ADD, FRIEND_DEL, C2C_MSG_REJECT or C2C_MSG_RECEIVE (`timestamp` in Unix seconds). */
export function c2cUserEvent(name: C2cUserEventName, init: C2cUserEventInit = {}): BuiltEvent {
  return { t: name, d: { timestamp: unixSeconds(init.timestamp), openid: init.openid ?? DEFAULT_USER_OPENID } }
}

/** A FRIEND_ADD (`timestamp` is epoch seconds as an integer); `c2cUserEvent('FRIEND_ADD', init)`. */
export function friendAdd(init: C2cUserEventInit = {}): BuiltEvent {
  return c2cUserEvent('FRIEND_ADD', init)
}

/** Member events of a group the bot is in. */
export type GroupMemberEventName = 'GROUP_MEMBER_ADD' | 'GROUP_MEMBER_REMOVE' | 'GROUP_MEMBER_UPDATE'

/** Options for {@link groupMemberEvent}. */
export interface GroupMemberEventInit {
  /** Group openid; default `'GROUP_OPENID_0001'`. */
  groupOpenid?: string
  /** The member's openid in the group; default `'MEMBER_OPENID_0001'`. */
  memberOpenid?: string
  /** Event time in ms (sent as Unix seconds); default now. */
  timestamp?: number
}

/** A GROUP_MEMBER_ADD, GROUP_MEMBER_REMOVE or GROUP_MEMBER_UPDATE: `{ timestamp (Unix seconds), group_openid, member_openid }`. */
export function groupMemberEvent(name: GroupMemberEventName, init: GroupMemberEventInit = {}): BuiltEvent {
  return {
    t: name,
    d: {
      timestamp: unixSeconds(init.timestamp),
      group_openid: init.groupOpenid ?? DEFAULT_GROUP_OPENID,
      member_openid: init.memberOpenid ?? DEFAULT_MEMBER_OPENID,
    },
  }
}

/** Options for {@link groupJoinRequest}. */
export interface GroupJoinRequestInit {
  /** Group openid; default `'GROUP_OPENID_0001'`. */
  groupOpenid?: string
  /** The applicant's member openid; default `'MEMBER_OPENID_0002'`. */
  memberOpenid?: string
  /** Passed back when approving or declining; default a fresh id. */
  joinRequestId?: string
  /** Default `'applicant'`. */
  username?: string
  /** The text the applicant entered; default `'let me in'`. */
  verifyMessage?: string
  /** `apply_source`; default `'self_apply'`. */
  applySource?: string
  /** Who invited the applicant (`invited_by`); default none. */
  invitedBy?: string
  /** `risk_tips`; default `''`. */
  riskTips?: string
  /** Request time in ms (sent as RFC 3339 `apply_at`); default now. */
  timestamp?: number
}

/** A GROUP_JOIN_REQUEST: someone asks to join a group where the bot is an admin (`apply_at` in RFC 3339). */
export function groupJoinRequest(init: GroupJoinRequestInit = {}): BuiltEvent {
  const d: Record<string, unknown> = {
    group_openid: init.groupOpenid ?? DEFAULT_GROUP_OPENID,
    join_request_id: init.joinRequestId ?? uniqueId('JOINREQ_'),
    member_openid: init.memberOpenid ?? 'MEMBER_OPENID_0002',
    union_openid: '',
    username: init.username ?? 'applicant',
    apply_at: rfc3339(init.timestamp),
    apply_source: init.applySource ?? 'self_apply',
    bot: false,
    risk_tips: init.riskTips ?? '',
    verify_info: { method: 'verify_message', verify_message: init.verifyMessage ?? 'let me in' },
  }
  if (init.invitedBy !== undefined) d.invited_by = init.invitedBy
  return { t: 'GROUP_JOIN_REQUEST', d }
}

/** Options for {@link subscribeMessageStatus}. */
export interface SubscribeMessageStatusInit {
  /** Who changed the authorisation: a user (`openid`, the default) or a group (`group_openid`). */
  scene?: 'c2c' | 'group'
  /** The user's openid (c2c); default `'USER_OPENID_0001'`. */
  openid?: string
  /** The group's openid (group); default `'GROUP_OPENID_0001'`. */
  groupOpenid?: string
  /** An official template id; when set, `custom_template_id` is left out. */
  templateId?: number
  /** A custom template id; default `'CUSTOM_TEMPLATE_0001'` unless `templateId` is set. */
  customTemplateId?: string
  /** 1 allowed (default), 2 refused. */
  op?: 1 | 2
  /** Put in a send body to send the subscription message; default a fresh id. */
  subscribeId?: string
  /** Change time in ms (sent as Unix seconds `update_ts`); default now. */
  timestamp?: number
}

/** A SUBSCRIBE_MESSAGE_STATUS: a user or group allowed or refused a subscription-message template. */
export function subscribeMessageStatus(init: SubscribeMessageStatusInit = {}): BuiltEvent {
  const result: Record<string, unknown> = {}
  if (init.templateId !== undefined) result.template_id = init.templateId
  else result.custom_template_id = init.customTemplateId ?? 'CUSTOM_TEMPLATE_0001'
  result.op = init.op ?? 1
  result.subscribe_id = init.subscribeId ?? uniqueId('SUBSCRIBE_')
  result.update_ts = unixSeconds(init.timestamp)
  const d: Record<string, unknown> =
    init.scene === 'group'
      ? { group_openid: init.groupOpenid ?? DEFAULT_GROUP_OPENID }
      : { openid: init.openid ?? DEFAULT_USER_OPENID }
  d.result = [result]
  return { t: 'SUBSCRIBE_MESSAGE_STATUS', d }
}

/** Options for {@link enterAio}. */
export interface EnterAioInit {
  /** The user's openid; default `'USER_OPENID_0001'`. */
  userOpenid?: string
  /** `from_source`: where the user came from. Its values are not documented; default none (the field is left out). */
  fromSource?: string
}

/** An ENTER_AIO: a user opened the C2C chat window with the bot. */
export function enterAio(init: EnterAioInit = {}): BuiltEvent {
  const d: Record<string, unknown> = { user_openid: init.userOpenid ?? DEFAULT_USER_OPENID }
  if (init.fromSource !== undefined) d.from_source = init.fromSource
  return { t: 'ENTER_AIO', d }
}

// ---------------------------------------------------------------------------------------------
// Interactions
// ---------------------------------------------------------------------------------------------

/**
 * An INTERACTION_CREATE; the payload id equals `d.id`. `type` 11 (default) is a keyboard button click in any
 * scene, 12 a C2C quick-menu tap (`data.resolved.feature_id`), 13 answer feedback (`checked`, `feedback_opt`).
 * The clicking user is where the platform puts it per scene: `group_member_openid` (group), `user_openid`
 * (C2C), `data.resolved.user_id` (guild).
 */
export function interaction(init: InteractionInit): BuiltEvent {
  const id = init.id ?? uniqueId('INTERACTION_')
  const type = init.type ?? 11
  const scene = init.scene ?? 'c2c'
  const chatType = scene === 'guild' ? 0 : scene === 'group' ? 1 : 2
  let resolved: Record<string, unknown>
  if (init.type === 12) {
    resolved = { feature_id: init.featureId ?? '1' }
    if (init.buttonData !== undefined) resolved.button_data = init.buttonData
  } else if (init.type === 13) {
    resolved = {
      message_id: init.messageId ?? `ROBOT1.0_${uniqueId()}`,
      checked: init.checked ?? 1,
      feedback_opt: init.feedbackOpt ?? '',
    }
    if (init.buttonId !== undefined) resolved.button_id = init.buttonId
    if (init.buttonData !== undefined) resolved.button_data = init.buttonData
  } else {
    resolved = {
      button_data: init.buttonData,
      button_id: init.buttonId ?? '1',
      message_id: init.messageId ?? `ROBOT1.0_${uniqueId()}`,
      feature_id: '',
    }
  }
  const d: Record<string, unknown> = {
    id,
    type,
    scene,
    chat_type: chatType,
    timestamp: rfc3339(init.timestamp),
    application_id: '',
    data: { type, resolved },
    version: 1,
  }
  if (scene === 'group') {
    d.group_openid = init.groupOpenid ?? DEFAULT_GROUP_OPENID
    d.group_member_openid = init.memberOpenid ?? DEFAULT_MEMBER_OPENID
  } else if (scene === 'c2c') {
    d.user_openid = init.userOpenid ?? DEFAULT_USER_OPENID
  } else {
    d.guild_id = init.guildId ?? SEEDED_GUILD_ID
    d.channel_id = init.channelId ?? DEFAULT_CHANNEL_ID
    resolved.user_id = init.userId ?? DEFAULT_AUTHOR_ID
  }
  return { t: 'INTERACTION_CREATE', d, id }
}

// ---------------------------------------------------------------------------------------------
// Guilds, channels and guild members (RFC 3339 timestamps)
// ---------------------------------------------------------------------------------------------

/** Guild lifecycle events. */
export type GuildEventName = 'GUILD_CREATE' | 'GUILD_UPDATE' | 'GUILD_DELETE'

/** Options for {@link guildEvent}. Defaults describe the seeded guild. */
export interface GuildEventInit {
  /** Default `'guild-1'`. */
  guildId?: string
  /** Default `'Fake Guild'`. */
  name?: string
  /** Default the seeded owner `2000000000000000001`. */
  ownerId?: string
  /** Default 4. */
  memberCount?: number
  /** Who made the change (`op_user_id`); default the owner. */
  opUserId?: string
  /** When the bot joined, in ms (sent as RFC 3339 `joined_at`); default now for GUILD_CREATE, `2024-01-01T12:00:00+08:00` otherwise. */
  joinedAt?: number
}

/** A GUILD_CREATE (the bot joined a guild), GUILD_UPDATE or GUILD_DELETE (the bot left or was removed): the guild plus `op_user_id`. */
export function guildEvent(name: GuildEventName, init: GuildEventInit = {}): BuiltEvent {
  const ownerId = init.ownerId ?? SEEDED_USER_IDS[0]
  const joinedAt =
    init.joinedAt !== undefined ? rfc3339(init.joinedAt) : name === 'GUILD_CREATE' ? rfc3339() : SEEDED_JOINED_AT
  return {
    t: name,
    d: {
      id: init.guildId ?? SEEDED_GUILD_ID,
      name: init.name ?? 'Fake Guild',
      icon: '',
      owner_id: ownerId,
      owner: false,
      member_count: init.memberCount ?? 4,
      max_members: 1000,
      description: 'A seeded guild of the fake QQ platform',
      joined_at: joinedAt,
      op_user_id: init.opUserId ?? ownerId,
    },
  }
}

/** Sub-channel lifecycle events. */
export type ChannelEventName = 'CHANNEL_CREATE' | 'CHANNEL_UPDATE' | 'CHANNEL_DELETE'

/** Options for {@link channelEvent}. */
export interface ChannelEventInit {
  /** Channel id; default a fresh id for CHANNEL_CREATE, `'channel-1'` otherwise. */
  channelId?: string
  /** Default `'guild-1'`. */
  guildId?: string
  /** Default `'general'`. */
  name?: string
  /** 0 text (default), 2 voice, 4 category, 10005 live, 10006 application, 10007 forum. */
  type?: number
  /** Who made the change (`op_user_id`); default the seeded owner `2000000000000000001`. */
  opUserId?: string
}

/** A CHANNEL_CREATE, CHANNEL_UPDATE or CHANNEL_DELETE: the channel's main fields plus `op_user_id`. */
export function channelEvent(name: ChannelEventName, init: ChannelEventInit = {}): BuiltEvent {
  return {
    t: name,
    d: {
      id: init.channelId ?? (name === 'CHANNEL_CREATE' ? uniqueId('channel-') : DEFAULT_CHANNEL_ID),
      guild_id: init.guildId ?? SEEDED_GUILD_ID,
      name: init.name ?? 'general',
      type: init.type ?? 0,
      sub_type: 0,
      owner_id: '0',
      op_user_id: init.opUserId ?? SEEDED_USER_IDS[0],
    },
  }
}

/** Guild member events. */
export type GuildMemberEventName = 'GUILD_MEMBER_ADD' | 'GUILD_MEMBER_UPDATE' | 'GUILD_MEMBER_REMOVE'

/** Options for {@link guildMemberEvent}. */
export interface GuildMemberEventInit {
  /** Default `'guild-1'`. */
  guildId?: string
  /** The member's user id; default a fresh id. */
  userId?: string
  /** Default `'newcomer'`. */
  username?: string
  /** Default the username. */
  nick?: string
  /** Role ids; default `['1']` (everyone). */
  roles?: readonly string[]
  /** Who made the change; default the member (joining or leaving on their own). */
  opUserId?: string
  /** When the member joined, in ms (sent as RFC 3339 `joined_at`); default now. */
  joinedAt?: number
}

/** A GUILD_MEMBER_ADD, GUILD_MEMBER_UPDATE or GUILD_MEMBER_REMOVE: `{ guild_id, joined_at, nick, user, roles, op_user_id }`. */
export function guildMemberEvent(name: GuildMemberEventName, init: GuildMemberEventInit = {}): BuiltEvent {
  const userId = init.userId ?? uniqueId('3')
  const username = init.username ?? 'newcomer'
  return {
    t: name,
    d: {
      guild_id: init.guildId ?? SEEDED_GUILD_ID,
      joined_at: rfc3339(init.joinedAt),
      nick: init.nick ?? username,
      user: { id: userId, username, avatar: '', bot: false },
      roles: [...(init.roles ?? ['1'])],
      op_user_id: init.opUserId ?? userId,
    },
  }
}

/** A GUILD_MEMBER_ADD; `guildMemberEvent('GUILD_MEMBER_ADD', init)`. */
export function guildMemberAdd(init: GuildMemberEventInit = {}): BuiltEvent {
  return guildMemberEvent('GUILD_MEMBER_ADD', init)
}

// ---------------------------------------------------------------------------------------------
// Guild message side events: deletes, reactions, audits
// ---------------------------------------------------------------------------------------------

/** A recalled guild channel message (MESSAGE_DELETE private domain, PUBLIC_MESSAGE_DELETE public) or guild DM. */
export type MessageDeleteEventName = 'MESSAGE_DELETE' | 'PUBLIC_MESSAGE_DELETE' | 'DIRECT_MESSAGE_DELETE'

/** Options for {@link messageDelete}. */
export interface MessageDeleteInit {
  /** The deleted message's id; default a fresh id. */
  messageId?: string
  /** Default `'channel-1'` (`dm-channel-<authorId>` for DIRECT_MESSAGE_DELETE). */
  channelId?: string
  /** Default `'guild-1'` (`dms-<authorId>` for DIRECT_MESSAGE_DELETE). */
  guildId?: string
  /** Author of the deleted message; default the seeded member `2000000000000000002`. */
  authorId?: string
  /** Default `'alice'`. */
  username?: string
  /** Who deleted it; default the author. */
  opUserId?: string
}

/** A MESSAGE_DELETE, PUBLIC_MESSAGE_DELETE or DIRECT_MESSAGE_DELETE: `{ message: { id, channel_id, guild_id, author }, op_user: { id } }`. */
export function messageDelete(name: MessageDeleteEventName, init: MessageDeleteInit = {}): BuiltEvent {
  const authorId = init.authorId ?? DEFAULT_AUTHOR_ID
  const direct = name === 'DIRECT_MESSAGE_DELETE'
  const message: Record<string, unknown> = {
    id: init.messageId ?? `08${uniqueId()}${randomHex(6)}`,
    channel_id: init.channelId ?? (direct ? `dm-channel-${authorId}` : DEFAULT_CHANNEL_ID),
    guild_id: init.guildId ?? (direct ? `dms-${authorId}` : SEEDED_GUILD_ID),
    author: { id: authorId, username: init.username ?? 'alice', bot: false },
  }
  if (direct) {
    message.direct_message = true
    message.src_guild_id = SEEDED_GUILD_ID
  }
  return { t: name, d: { message, op_user: { id: init.opUserId ?? authorId } } }
}

/** Reaction events. */
export type MessageReactionEventName = 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE'

/** Options for {@link messageReaction}. */
export interface MessageReactionInit {
  /** Who reacted; default the seeded member `2000000000000000002`. */
  userId?: string
  /** Default `'guild-1'`. */
  guildId?: string
  /** Default `'channel-1'`. */
  channelId?: string
  /** The message (or post) reacted to; default a fresh id. */
  targetId?: string
  /** 0 message (default), 1 post, 2 comment, 3 reply. */
  targetType?: number
  /** Emoji id; default `'4'`. */
  emojiId?: string
  /** 1 system emoji (default), 2 emoji character. */
  emojiType?: number
}

/** A MESSAGE_REACTION_ADD or MESSAGE_REACTION_REMOVE: `{ user_id, guild_id, channel_id, target: { id, type }, emoji: { id, type } }`. */
export function messageReaction(name: MessageReactionEventName, init: MessageReactionInit = {}): BuiltEvent {
  return {
    t: name,
    d: {
      user_id: init.userId ?? DEFAULT_AUTHOR_ID,
      guild_id: init.guildId ?? SEEDED_GUILD_ID,
      channel_id: init.channelId ?? DEFAULT_CHANNEL_ID,
      target: { id: init.targetId ?? `08${uniqueId()}${randomHex(6)}`, type: init.targetType ?? 0 },
      emoji: { id: init.emojiId ?? '4', type: init.emojiType ?? 1 },
    },
  }
}

/** Audit outcomes of a message the bot sent that was held for review. */
export type MessageAuditEventName = 'MESSAGE_AUDIT_PASS' | 'MESSAGE_AUDIT_REJECT'

/** Options for {@link messageAudit}. */
export interface MessageAuditInit {
  /** The `audit_id` the send returned; default a fresh id. */
  auditId?: string
  /** The sent message's id (MESSAGE_AUDIT_PASS only); default a fresh id. */
  messageId?: string
  /** Default `'guild-1'`. */
  guildId?: string
  /** Default `'channel-1'`. */
  channelId?: string
  /** When the message was sent, in ms (RFC 3339 `create_time`); default a minute before `auditTime`. */
  createTime?: number
  /** When the audit finished, in ms (RFC 3339 `audit_time`); default now. */
  auditTime?: number
}

/** A MESSAGE_AUDIT_PASS (with `message_id` and `seq_in_channel`) or MESSAGE_AUDIT_REJECT. */
export function messageAudit(name: MessageAuditEventName, init: MessageAuditInit = {}): BuiltEvent {
  const auditTime = init.auditTime ?? Date.now()
  const d: Record<string, unknown> = {
    audit_id: init.auditId ?? uniqueId('AUDIT_'),
    guild_id: init.guildId ?? SEEDED_GUILD_ID,
    channel_id: init.channelId ?? DEFAULT_CHANNEL_ID,
    audit_time: rfc3339(auditTime),
    create_time: rfc3339(init.createTime ?? auditTime - 60_000),
  }
  if (name === 'MESSAGE_AUDIT_PASS') {
    guildSeq += 1
    d.message_id = init.messageId ?? `08${uniqueId()}${randomHex(6)}`
    d.seq_in_channel = String(guildSeq)
  }
  return { t: name, d }
}

// ---------------------------------------------------------------------------------------------
// Forums (private domain) and open forums (public domain)
// ---------------------------------------------------------------------------------------------

/** Forum thread events. */
export type ForumThreadEventName = 'FORUM_THREAD_CREATE' | 'FORUM_THREAD_UPDATE' | 'FORUM_THREAD_DELETE'
/** Forum post (comment on a thread) events. */
export type ForumPostEventName = 'FORUM_POST_CREATE' | 'FORUM_POST_DELETE'
/** Forum reply (answer to a post) events. */
export type ForumReplyEventName = 'FORUM_REPLY_CREATE' | 'FORUM_REPLY_DELETE'

/** Options shared by the forum builders. */
export interface ForumEventInit {
  /** Default `'guild-1'`. */
  guildId?: string
  /** The forum channel; default `'forum-channel-1'`. */
  channelId?: string
  /** Who wrote it; default the seeded member `2000000000000000002`. */
  authorId?: string
  /** Thread id; default a fresh id. */
  threadId?: string
  /** Post id (posts and replies); default a fresh id. */
  postId?: string
  /** Reply id (replies); default a fresh id. */
  replyId?: string
  /** Thread title (threads), sent as rich-text JSON; default `'Hello forum'`. */
  title?: string
  /** Text, sent as rich-text JSON; default `'first!'`. */
  content?: string
  /** In ms (sent as RFC 3339 `date_time`); default now. */
  timestamp?: number
}

/** The rich text the forum events carry in `title`/`content`: a JSON string of paragraphs of elements (type 1 text). */
function forumRichText(text: string): string {
  return JSON.stringify({ paragraphs: [{ elems: [{ text: { text }, type: 1 }], props: {} }] })
}

function forumScope(init: ForumEventInit): Record<string, unknown> {
  return {
    guild_id: init.guildId ?? SEEDED_GUILD_ID,
    channel_id: init.channelId ?? DEFAULT_FORUM_CHANNEL_ID,
    author_id: init.authorId ?? DEFAULT_AUTHOR_ID,
  }
}

/** A FORUM_THREAD_CREATE, FORUM_THREAD_UPDATE or FORUM_THREAD_DELETE: `thread_info` with rich-text JSON `title` and `content`. */
export function forumThread(name: ForumThreadEventName, init: ForumEventInit = {}): BuiltEvent {
  return {
    t: name,
    d: {
      ...forumScope(init),
      thread_info: {
        thread_id: init.threadId ?? uniqueId('B_'),
        title: forumRichText(init.title ?? 'Hello forum'),
        content: forumRichText(init.content ?? 'first!'),
        date_time: rfc3339(init.timestamp),
      },
    },
  }
}

/** A FORUM_POST_CREATE or FORUM_POST_DELETE: `post_info` with rich-text JSON `content`. */
export function forumPost(name: ForumPostEventName, init: ForumEventInit = {}): BuiltEvent {
  return {
    t: name,
    d: {
      ...forumScope(init),
      post_info: {
        thread_id: init.threadId ?? uniqueId('B_'),
        post_id: init.postId ?? uniqueId('P_'),
        content: forumRichText(init.content ?? 'first!'),
        date_time: rfc3339(init.timestamp),
      },
    },
  }
}

/** A FORUM_REPLY_CREATE or FORUM_REPLY_DELETE: `reply_info` with rich-text JSON `content`. */
export function forumReply(name: ForumReplyEventName, init: ForumEventInit = {}): BuiltEvent {
  return {
    t: name,
    d: {
      ...forumScope(init),
      reply_info: {
        thread_id: init.threadId ?? uniqueId('B_'),
        post_id: init.postId ?? uniqueId('P_'),
        reply_id: init.replyId ?? uniqueId('R_'),
        content: forumRichText(init.content ?? 'first!'),
        date_time: rfc3339(init.timestamp),
      },
    },
  }
}

/** Options for {@link forumPublishAuditResult}. */
export interface ForumPublishAuditResultInit extends Omit<ForumEventInit, 'title' | 'content'> {
  /** The publish task id; default a fresh id. */
  taskId?: string
  /** What was published: 1 thread (default), 2 post, 3 reply. */
  type?: 1 | 2 | 3
  /** 0 passed (default); anything else failed. */
  result?: number
  /** Why it failed; default `''`. */
  errMsg?: string
}

/** A FORUM_PUBLISH_AUDIT_RESULT: the audit outcome of a thread, post or reply the bot published. */
export function forumPublishAuditResult(init: ForumPublishAuditResultInit = {}): BuiltEvent {
  const type = init.type ?? 1
  return {
    t: 'FORUM_PUBLISH_AUDIT_RESULT',
    d: {
      task_id: init.taskId ?? uniqueId('TASK_'),
      ...forumScope(init),
      thread_id: init.threadId ?? uniqueId('B_'),
      post_id: init.postId ?? (type >= 2 ? uniqueId('P_') : ''),
      reply_id: init.replyId ?? (type === 3 ? uniqueId('R_') : ''),
      type,
      result: init.result ?? 0,
      err_msg: init.errMsg ?? '',
      date_time: rfc3339(init.timestamp),
    },
  }
}

/** Public-domain forum events: only ids are sent. */
export type OpenForumEventName =
  | 'OPEN_FORUM_THREAD_CREATE'
  | 'OPEN_FORUM_THREAD_UPDATE'
  | 'OPEN_FORUM_THREAD_DELETE'
  | 'OPEN_FORUM_POST_CREATE'
  | 'OPEN_FORUM_POST_DELETE'
  | 'OPEN_FORUM_REPLY_CREATE'
  | 'OPEN_FORUM_REPLY_DELETE'

/** Options for {@link openForumEvent}. */
export interface OpenForumEventInit {
  /** Default `'guild-1'`. */
  guildId?: string
  /** Default `'forum-channel-1'`. */
  channelId?: string
  /** Default the seeded member `2000000000000000002`. */
  authorId?: string
}

/** One of the seven OPEN_FORUM_* events: `{ guild_id, channel_id, author_id }` and nothing else. */
export function openForumEvent(name: OpenForumEventName, init: OpenForumEventInit = {}): BuiltEvent {
  return { t: name, d: forumScope(init) }
}

// ---------------------------------------------------------------------------------------------
// Audio and live channels
// ---------------------------------------------------------------------------------------------

/** Audio-bot playback and mic events. */
export type AudioActionEventName = 'AUDIO_START' | 'AUDIO_FINISH' | 'AUDIO_ON_MIC' | 'AUDIO_OFF_MIC'

/** Options for {@link audioAction}. */
export interface AudioActionInit {
  /** Default `'guild-1'`. */
  guildId?: string
  /** The voice channel; default `'voice-channel-1'`. */
  channelId?: string
  /** AUDIO_START/FINISH: the audio played; default `'https://example.com/song.mp3'`. */
  audioUrl?: string
  /** AUDIO_START/FINISH: the status text; default `'Now playing'`. */
  text?: string
}

/** An AUDIO_START, AUDIO_FINISH (with `audio_url` and `text`), AUDIO_ON_MIC or AUDIO_OFF_MIC (ids only). */
export function audioAction(name: AudioActionEventName, init: AudioActionInit = {}): BuiltEvent {
  const d: Record<string, unknown> = {
    guild_id: init.guildId ?? SEEDED_GUILD_ID,
    channel_id: init.channelId ?? DEFAULT_VOICE_CHANNEL_ID,
  }
  if (name === 'AUDIO_START' || name === 'AUDIO_FINISH') {
    d.audio_url = init.audioUrl ?? 'https://example.com/song.mp3'
    d.text = init.text ?? 'Now playing'
  }
  return { t: name, d }
}

/** A user entering or leaving a voice or live channel. */
export type AudioLiveChannelMemberEventName = 'AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER' | 'AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT'

/** Options for {@link audioLiveChannelMember}. */
export interface AudioLiveChannelMemberInit {
  /** Default `'guild-1'`. */
  guildId?: string
  /** Default `'voice-channel-1'`. */
  channelId?: string
  /** 2 voice channel (default), 5 live channel. */
  channelType?: 2 | 5
  /** Who entered or left; default the seeded member `2000000000000000002`. */
  userId?: string
}

/** An AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER or _EXIT: `{ guild_id, channel_id, channel_type, user_id }`. */
export function audioLiveChannelMember(
  name: AudioLiveChannelMemberEventName,
  init: AudioLiveChannelMemberInit = {},
): BuiltEvent {
  return {
    t: name,
    d: {
      guild_id: init.guildId ?? SEEDED_GUILD_ID,
      channel_id: init.channelId ?? DEFAULT_VOICE_CHANNEL_ID,
      channel_type: init.channelType ?? 2,
      user_id: init.userId ?? DEFAULT_AUTHOR_ID,
    },
  }
}
