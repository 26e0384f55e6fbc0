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

/** Options for {@link groupAtMessage}. */
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
let guildSeq = 0

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
    member: { joined_at: '2024-01-01T12:00:00+08:00', roles: ['1'], nick: username },
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

/** A GROUP_ADD_ROBOT (`timestamp` is epoch seconds as an integer). */
export function groupAddRobot(init: { groupOpenid: string; opMemberOpenid?: string }): BuiltEvent {
  return {
    t: 'GROUP_ADD_ROBOT',
    d: {
      timestamp: Math.floor(Date.now() / 1000),
      group_openid: init.groupOpenid,
      op_member_openid: init.opMemberOpenid ?? DEFAULT_MEMBER_OPENID,
    },
  }
}

/** A FRIEND_ADD (`timestamp` is epoch seconds as an integer). */
export function friendAdd(init: { openid: string }): BuiltEvent {
  return { t: 'FRIEND_ADD', d: { timestamp: Math.floor(Date.now() / 1000), openid: init.openid } }
}

/** An INTERACTION_CREATE for a button click; the payload id equals `d.id`. */
export function interaction(init: InteractionInit): BuiltEvent {
  const id = init.id ?? uniqueId('INTERACTION_')
  const chatType = init.scene === 'guild' ? 0 : init.scene === 'group' ? 1 : 2
  const type = init.type ?? 11
  const resolved: Record<string, unknown> = {
    button_data: init.buttonData,
    button_id: init.buttonId ?? '1',
    message_id: init.messageId ?? `ROBOT1.0_${uniqueId()}`,
    feature_id: '',
  }
  const d: Record<string, unknown> = {
    id,
    type,
    scene: init.scene,
    chat_type: chatType,
    timestamp: rfc3339(),
    application_id: '',
    data: { type, resolved },
    version: 1,
  }
  if (init.scene === 'group') {
    d.group_openid = init.groupOpenid ?? DEFAULT_GROUP_OPENID
    d.group_member_openid = init.memberOpenid ?? DEFAULT_MEMBER_OPENID
  } else if (init.scene === 'c2c') {
    d.user_openid = init.userOpenid ?? DEFAULT_USER_OPENID
  } else {
    d.guild_id = init.guildId ?? SEEDED_GUILD_ID
    d.channel_id = init.channelId ?? DEFAULT_CHANNEL_ID
    resolved.user_id = init.userId ?? DEFAULT_AUTHOR_ID
  }
  return { t: 'INTERACTION_CREATE', d, id }
}

/** A GUILD_MEMBER_ADD. */
export function guildMemberAdd(
  init: { guildId?: string; userId?: string; username?: string; nick?: string; opUserId?: string } = {},
): BuiltEvent {
  const userId = init.userId ?? uniqueId('3')
  const username = init.username ?? 'newcomer'
  return {
    t: 'GUILD_MEMBER_ADD',
    d: {
      guild_id: init.guildId ?? SEEDED_GUILD_ID,
      joined_at: rfc3339(),
      nick: init.nick ?? username,
      user: { id: userId, username, avatar: '', bot: false },
      roles: ['1'],
      op_user_id: init.opUserId ?? userId,
    },
  }
}
