import { afterEach, describe, expect, it } from 'vitest'
import {
  KNOWN_EVENT_NAMES,
  eventTime,
  interactionChatType,
  interactionUserId,
  replyTargetOf,
  type DispatchedEvent,
  type InteractionPayload,
  type KnownEventName,
} from '@qqbot/core'
import { parseEventPayload } from '@qqbot/core/adapter'
import {
  audioAction,
  audioLiveChannelMember,
  c2cMessage,
  c2cUserEvent,
  channelEvent,
  directMessage,
  enterAio,
  forumPost,
  forumPublishAuditResult,
  forumReply,
  forumThread,
  friendAdd,
  groupAddRobot,
  groupAtMessage,
  groupJoinRequest,
  groupMemberEvent,
  groupMessage,
  groupRobotEvent,
  guildAtMessage,
  guildEvent,
  guildMemberAdd,
  guildMemberEvent,
  guildMessage,
  interaction,
  messageAudit,
  messageDelete,
  messageReaction,
  openForumEvent,
  startFakePlatform,
  subscribeMessageStatus,
  type BuiltEvent,
  type FakePlatform,
} from './index.js'
import { TestGatewayClient } from './test-gateway-client.js'

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

describe('event builders', () => {
  it('builds guild messages with the bot mention, realistic fields and unique ids', () => {
    const a = guildAtMessage({ content: '/ping' })
    const b = guildAtMessage({ content: '/ping', botId: '42', channelId: 'channel-2' })
    expect(a.t).toBe('AT_MESSAGE_CREATE')
    expect(a.d).toMatchObject({
      content: '<@!1000000000000000001> /ping',
      channel_id: 'channel-1',
      guild_id: 'guild-1',
      author: { id: expect.any(String), username: expect.any(String), bot: false },
      member: { roles: expect.any(Array) },
      attachments: [],
    })
    expect(a.d.timestamp).toMatch(RFC3339)
    expect(b.d).toMatchObject({ content: '<@!42> /ping', channel_id: 'channel-2' })
    expect(a.d.id).not.toBe(b.d.id)
    expect(guildMessage({ content: 'plain' })).toMatchObject({ t: 'MESSAGE_CREATE', d: { content: 'plain' } })
    expect(directMessage({ content: 'hi', srcGuildId: 'guild-1' })).toMatchObject({
      t: 'DIRECT_MESSAGE_CREATE',
      d: { direct_message: true, src_guild_id: 'guild-1', content: 'hi', guild_id: expect.stringMatching(/^dms-/) },
    })
  })

  it('builds group, C2C, lifecycle and interaction events', () => {
    const group = groupAtMessage({ content: 'hello', groupOpenid: 'G', memberOpenid: 'M' })
    expect(group).toMatchObject({
      t: 'GROUP_AT_MESSAGE_CREATE',
      d: { content: ' hello', group_openid: 'G', author: { member_openid: 'M' }, attachments: [] },
    })
    expect(c2cMessage({ content: 'yo', userOpenid: 'U' })).toMatchObject({
      t: 'C2C_MESSAGE_CREATE',
      d: { content: 'yo', author: { user_openid: 'U' } },
    })
    expect(groupAddRobot({ groupOpenid: 'G' })).toMatchObject({
      t: 'GROUP_ADD_ROBOT',
      d: { group_openid: 'G', op_member_openid: expect.any(String), timestamp: expect.any(Number) },
    })
    expect(friendAdd({ openid: 'U' })).toMatchObject({ t: 'FRIEND_ADD', d: { openid: 'U' } })
    expect(guildMemberAdd({ userId: '7' })).toMatchObject({
      t: 'GUILD_MEMBER_ADD',
      d: { guild_id: 'guild-1', user: { id: '7' } },
    })

    const click = interaction({ scene: 'group', buttonData: 'vote:1' })
    expect(click).toMatchObject({
      t: 'INTERACTION_CREATE',
      d: {
        type: 11,
        scene: 'group',
        chat_type: 1,
        data: { resolved: { button_data: 'vote:1' } },
        group_openid: expect.any(String),
      },
    })
    expect(click.id).toBe(click.d.id)
    expect(interaction({ scene: 'c2c', buttonData: 'x' }).d).toMatchObject({
      chat_type: 2,
      user_openid: expect.any(String),
    })
    expect(interaction({ scene: 'guild', buttonData: 'x' }).d).toMatchObject({ chat_type: 0, guild_id: 'guild-1' })
  })

  it('dispatchEvent uses the builder id as the payload id', async () => {
    platform = await startFakePlatform()
    const client = await TestGatewayClient.connect(platform.gatewayUrl)
    await client.next()
    client.identify(platform.issueToken().access_token)
    await client.next()
    const click = interaction({ scene: 'c2c', buttonData: 'b' })
    platform.dispatchEvent(click)
    expect(await client.next()).toMatchObject({
      op: 0,
      s: 2,
      t: 'INTERACTION_CREATE',
      id: click.id,
      d: { id: click.id },
    })
    client.ws.terminate()
  })
})

/** Every event but the two the gateway sends by itself. */
type DispatchableName = Exclude<KnownEventName, 'READY' | 'RESUMED'>

/**
 * Each dispatchable event built with the builder's defaults. Keyed by every name, so an event added to
 * EventPayloadMap without a builder fails the type check (and the table test below fails at run time).
 */
const BUILD_WITH_DEFAULTS: { readonly [K in DispatchableName]: () => BuiltEvent } = {
  GUILD_CREATE: () => guildEvent('GUILD_CREATE'),
  GUILD_UPDATE: () => guildEvent('GUILD_UPDATE'),
  GUILD_DELETE: () => guildEvent('GUILD_DELETE'),
  CHANNEL_CREATE: () => channelEvent('CHANNEL_CREATE'),
  CHANNEL_UPDATE: () => channelEvent('CHANNEL_UPDATE'),
  CHANNEL_DELETE: () => channelEvent('CHANNEL_DELETE'),
  GUILD_MEMBER_ADD: () => guildMemberAdd(),
  GUILD_MEMBER_UPDATE: () => guildMemberEvent('GUILD_MEMBER_UPDATE'),
  GUILD_MEMBER_REMOVE: () => guildMemberEvent('GUILD_MEMBER_REMOVE'),
  MESSAGE_CREATE: () => guildMessage({ content: 'plain' }),
  MESSAGE_DELETE: () => messageDelete('MESSAGE_DELETE'),
  AT_MESSAGE_CREATE: () => guildAtMessage({ content: '/ping' }),
  PUBLIC_MESSAGE_DELETE: () => messageDelete('PUBLIC_MESSAGE_DELETE'),
  DIRECT_MESSAGE_CREATE: () => directMessage({ content: 'hi' }),
  DIRECT_MESSAGE_DELETE: () => messageDelete('DIRECT_MESSAGE_DELETE'),
  MESSAGE_REACTION_ADD: () => messageReaction('MESSAGE_REACTION_ADD'),
  MESSAGE_REACTION_REMOVE: () => messageReaction('MESSAGE_REACTION_REMOVE'),
  C2C_MESSAGE_CREATE: () => c2cMessage({ content: 'hi' }),
  FRIEND_ADD: () => friendAdd(),
  FRIEND_DEL: () => c2cUserEvent('FRIEND_DEL'),
  C2C_MSG_REJECT: () => c2cUserEvent('C2C_MSG_REJECT'),
  C2C_MSG_RECEIVE: () => c2cUserEvent('C2C_MSG_RECEIVE'),
  GROUP_AT_MESSAGE_CREATE: () => groupAtMessage({ content: 'hi' }),
  GROUP_MESSAGE_CREATE: () => groupMessage({ content: 'hi' }),
  GROUP_ADD_ROBOT: () => groupAddRobot(),
  GROUP_DEL_ROBOT: () => groupRobotEvent('GROUP_DEL_ROBOT'),
  GROUP_MSG_REJECT: () => groupRobotEvent('GROUP_MSG_REJECT'),
  GROUP_MSG_RECEIVE: () => groupRobotEvent('GROUP_MSG_RECEIVE'),
  GROUP_MEMBER_ADD: () => groupMemberEvent('GROUP_MEMBER_ADD'),
  GROUP_MEMBER_REMOVE: () => groupMemberEvent('GROUP_MEMBER_REMOVE'),
  GROUP_MEMBER_UPDATE: () => groupMemberEvent('GROUP_MEMBER_UPDATE'),
  GROUP_JOIN_REQUEST: () => groupJoinRequest(),
  SUBSCRIBE_MESSAGE_STATUS: () => subscribeMessageStatus(),
  INTERACTION_CREATE: () => interaction({ scene: 'group', buttonData: 'b' }),
  MESSAGE_AUDIT_PASS: () => messageAudit('MESSAGE_AUDIT_PASS'),
  MESSAGE_AUDIT_REJECT: () => messageAudit('MESSAGE_AUDIT_REJECT'),
  FORUM_THREAD_CREATE: () => forumThread('FORUM_THREAD_CREATE'),
  FORUM_THREAD_UPDATE: () => forumThread('FORUM_THREAD_UPDATE'),
  FORUM_THREAD_DELETE: () => forumThread('FORUM_THREAD_DELETE'),
  FORUM_POST_CREATE: () => forumPost('FORUM_POST_CREATE'),
  FORUM_POST_DELETE: () => forumPost('FORUM_POST_DELETE'),
  FORUM_REPLY_CREATE: () => forumReply('FORUM_REPLY_CREATE'),
  FORUM_REPLY_DELETE: () => forumReply('FORUM_REPLY_DELETE'),
  FORUM_PUBLISH_AUDIT_RESULT: () => forumPublishAuditResult(),
  OPEN_FORUM_THREAD_CREATE: () => openForumEvent('OPEN_FORUM_THREAD_CREATE'),
  OPEN_FORUM_THREAD_UPDATE: () => openForumEvent('OPEN_FORUM_THREAD_UPDATE'),
  OPEN_FORUM_THREAD_DELETE: () => openForumEvent('OPEN_FORUM_THREAD_DELETE'),
  OPEN_FORUM_POST_CREATE: () => openForumEvent('OPEN_FORUM_POST_CREATE'),
  OPEN_FORUM_POST_DELETE: () => openForumEvent('OPEN_FORUM_POST_DELETE'),
  OPEN_FORUM_REPLY_CREATE: () => openForumEvent('OPEN_FORUM_REPLY_CREATE'),
  OPEN_FORUM_REPLY_DELETE: () => openForumEvent('OPEN_FORUM_REPLY_DELETE'),
  AUDIO_START: () => audioAction('AUDIO_START'),
  AUDIO_FINISH: () => audioAction('AUDIO_FINISH'),
  AUDIO_ON_MIC: () => audioAction('AUDIO_ON_MIC'),
  AUDIO_OFF_MIC: () => audioAction('AUDIO_OFF_MIC'),
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: () => audioLiveChannelMember('AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER'),
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: () => audioLiveChannelMember('AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT'),
  ENTER_AIO: () => enterAio(),
}

const DISPATCHABLE = KNOWN_EVENT_NAMES.filter((name) => name !== 'READY' && name !== 'RESUMED')

/** How `reply()` answers each event (docs/events.md); every other event has no reply target. */
const REPLY_REFERENCE: Partial<Record<DispatchableName, 'msg_id' | 'event_id'>> = {
  AT_MESSAGE_CREATE: 'msg_id',
  MESSAGE_CREATE: 'msg_id',
  DIRECT_MESSAGE_CREATE: 'msg_id',
  GROUP_AT_MESSAGE_CREATE: 'msg_id',
  GROUP_MESSAGE_CREATE: 'msg_id',
  C2C_MESSAGE_CREATE: 'msg_id',
  GROUP_ADD_ROBOT: 'event_id',
  GROUP_MSG_RECEIVE: 'event_id',
  GROUP_MEMBER_ADD: 'event_id',
  FRIEND_ADD: 'event_id',
  C2C_MSG_RECEIVE: 'event_id',
  INTERACTION_CREATE: 'event_id',
}

/** Fields that hold a time, in whatever form the platform sends for the event. */
const TIME_FIELDS = new Set([
  'timestamp',
  'joined_at',
  'apply_at',
  'audit_time',
  'create_time',
  'date_time',
  'update_ts',
])

function timeFields(value: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => timeFields(item, `${path}[${i}]`))
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = path === '' ? key : `${path}.${key}`
    return TIME_FIELDS.has(key) ? [[at, inner] as [string, unknown]] : timeFields(inner, at)
  })
}

function dispatched(built: BuiltEvent, id = 'EVENT-1'): DispatchedEvent {
  return {
    name: built.t,
    id: built.id ?? id,
    data: built.d,
    seq: 1,
    source: 'gateway',
    shard: [0, 1],
    receivedAt: Date.now(),
    deliveryId: undefined,
    attempt: 1,
  }
}

describe('a builder for every event', () => {
  it('covers every known event but READY and RESUMED', () => {
    expect(DISPATCHABLE).toHaveLength(KNOWN_EVENT_NAMES.length - 2)
    expect(Object.keys(BUILD_WITH_DEFAULTS).sort()).toEqual([...DISPATCHABLE].sort())
  })

  it.each(DISPATCHABLE)('%s: built with defaults, it conforms to its schema', (name) => {
    const build = (BUILD_WITH_DEFAULTS as Partial<Record<string, () => BuiltEvent>>)[name]
    expect(build, `no builder for ${name}`).toBeTypeOf('function')
    const built = build!()
    expect(built.t).toBe(name)
    // What goes over the wire is JSON: the payload survives the round trip unchanged.
    const wire: unknown = JSON.parse(JSON.stringify(built.d))
    expect(wire).toEqual(built.d)
    const parsed = parseEventPayload(built.t, wire)
    expect(parsed.known).toBe(true)
    expect(parsed.nonconforming).toBeUndefined()
    expect(parsed.data).toEqual(built.d)
  })

  it.each(DISPATCHABLE)('%s: every time field is one eventTime() reads', (name) => {
    const built = BUILD_WITH_DEFAULTS[name as DispatchableName]()
    for (const [path, value] of timeFields(built.d)) {
      expect(eventTime(value as string | number), `${name} ${path} = ${String(value)}`).toBeInstanceOf(Date)
    }
  })

  it.each(DISPATCHABLE)('%s: reply() finds what it needs in the defaults, or has no target', (name) => {
    const built = BUILD_WITH_DEFAULTS[name as DispatchableName]()
    expect(replyTargetOf(dispatched(built))?.reference.kind).toBe(REPLY_REFERENCE[name as DispatchableName])
  })
})

describe('builders of the newer events', () => {
  it('groupMessage: content as given, mentions with is_you for the bot, member_role, quotes', () => {
    const plain = groupMessage({ content: 'hello', groupOpenid: 'G', memberOpenid: 'M' })
    expect(plain).toMatchObject({
      t: 'GROUP_MESSAGE_CREATE',
      d: {
        content: 'hello',
        group_openid: 'G',
        group_id: 'G',
        mentions: [],
        message_type: 0,
        author: { member_openid: 'M', member_role: 'member' },
      },
    })
    expect(plain.d.timestamp).toMatch(RFC3339)
    expect(plain.d).not.toHaveProperty('msg_elements')
    expect((plain.d.message_scene as { ext: string[] }).ext).toEqual([`msg_idx=${String(plain.d.msg_idx)}`])

    const atBot = groupMessage({
      content: '/roll 6',
      mentionsBot: true,
      botMemberOpenid: 'BOT',
      mentions: [{ memberOpenid: 'BOB' }],
      mentionsAll: true,
      memberRole: 'admin',
    })
    expect(atBot.d.content).toBe('/roll 6')
    expect(atBot.d.mentions).toEqual([
      { scope: 'single', id: 'BOT', member_openid: 'BOT', username: 'fake-bot', bot: true, is_you: true },
      { scope: 'single', id: 'BOB', member_openid: 'BOB', username: 'member', bot: false, is_you: false },
      { scope: 'all' },
    ])
    expect(atBot.d.author).toMatchObject({ member_role: 'admin' })

    const quoting = groupMessage({ content: 'agreed', quote: { content: 'earlier answer', msgIdx: 'REFIDX_1' } })
    expect(quoting.d).toMatchObject({
      message_type: 103,
      msg_elements: [
        { msg_idx: 'REFIDX_1', content: 'earlier answer', author: { member_openid: 'BOT_MEMBER_OPENID_0001' } },
      ],
    })
  })

  it('group and C2C management events carry Unix seconds; the name is a parameter', () => {
    const at = Date.UTC(2026, 4, 1, 4, 0, 0, 999)
    expect(groupRobotEvent('GROUP_DEL_ROBOT', { groupOpenid: 'G', timestamp: at })).toEqual({
      t: 'GROUP_DEL_ROBOT',
      d: { timestamp: 1777608000, group_openid: 'G', op_member_openid: 'MEMBER_OPENID_0001' },
    })
    expect(c2cUserEvent('C2C_MSG_REJECT', { openid: 'U', timestamp: at })).toEqual({
      t: 'C2C_MSG_REJECT',
      d: { timestamp: 1777608000, openid: 'U' },
    })
    expect(groupMemberEvent('GROUP_MEMBER_REMOVE', { memberOpenid: 'M' }).d).toMatchObject({
      member_openid: 'M',
      timestamp: expect.any(Number),
    })
    expect(groupJoinRequest({ invitedBy: 'INVITER' }).d).toMatchObject({
      join_request_id: expect.stringMatching(/^JOINREQ_/),
      apply_source: 'self_apply',
      invited_by: 'INVITER',
      verify_info: { method: 'verify_message' },
    })
    expect(subscribeMessageStatus({ scene: 'group', templateId: 7, op: 2 }).d).toEqual({
      group_openid: 'GROUP_OPENID_0001',
      result: [
        { template_id: 7, op: 2, subscribe_id: expect.stringMatching(/^SUBSCRIBE_/), update_ts: expect.any(Number) },
      ],
    })
    expect(enterAio().d).toEqual({ user_openid: 'USER_OPENID_0001' })
    expect(enterAio({ fromSource: 'search' }).d).toEqual({ user_openid: 'USER_OPENID_0001', from_source: 'search' })
  })

  it('interaction: types 11, 12 and 13, with the user id where each scene puts it', () => {
    const menu = interaction({ type: 12, featureId: 'F7', userOpenid: 'U' })
    expect(menu.d).toMatchObject({
      type: 12,
      scene: 'c2c',
      chat_type: 2,
      user_openid: 'U',
      data: { type: 12, resolved: { feature_id: 'F7' } },
    })
    const feedback = interaction({ type: 13, scene: 'group', checked: 0, feedbackOpt: 'inaccurate', memberOpenid: 'M' })
    expect(feedback.d).toMatchObject({
      type: 13,
      chat_type: 1,
      data: { type: 13, resolved: { checked: 0, feedback_opt: 'inaccurate' } },
    })
    expect(interaction({ type: 13 }).d).toMatchObject({
      scene: 'c2c',
      data: { resolved: { checked: 1, feedback_opt: '' } },
    })

    const ids = (built: BuiltEvent) => {
      const d = built.d as unknown as InteractionPayload
      return [interactionChatType(d), interactionUserId(d)]
    }
    expect(ids(interaction({ scene: 'guild', buttonData: 'x', userId: 'GUILD_USER' }))).toEqual([0, 'GUILD_USER'])
    expect(ids(interaction({ scene: 'group', buttonData: 'x', memberOpenid: 'M' }))).toEqual([1, 'M'])
    expect(ids(interaction({ scene: 'c2c', buttonData: 'x', userOpenid: 'U' }))).toEqual([2, 'U'])
    expect(ids(menu)).toEqual([2, 'U'])
    expect(ids(feedback)).toEqual([1, 'M'])
  })

  it('guild side events: deletes, reactions, audits, members, forums and audio', () => {
    expect(messageDelete('DIRECT_MESSAGE_DELETE', { authorId: '9' }).d).toMatchObject({
      message: { guild_id: 'dms-9', direct_message: true, src_guild_id: 'guild-1', author: { id: '9' } },
      op_user: { id: '9' },
    })
    expect(
      messageReaction('MESSAGE_REACTION_REMOVE', { targetId: 'MSG', emojiId: '😀', emojiType: 2 }).d,
    ).toMatchObject({
      target: { id: 'MSG', type: 0 },
      emoji: { id: '😀', type: 2 },
    })
    const pass = messageAudit('MESSAGE_AUDIT_PASS', { auditId: 'A' })
    expect(pass.d).toMatchObject({ audit_id: 'A', message_id: expect.any(String), seq_in_channel: expect.any(String) })
    expect(messageAudit('MESSAGE_AUDIT_REJECT').d).not.toHaveProperty('message_id')
    expect(guildMemberEvent('GUILD_MEMBER_REMOVE', { userId: '7', opUserId: '1' }).d).toMatchObject({
      user: { id: '7' },
      op_user_id: '1',
    })
    expect(guildEvent('GUILD_DELETE').d).toMatchObject({ id: 'guild-1', joined_at: '2024-01-01T12:00:00+08:00' })
    expect(channelEvent('CHANNEL_CREATE').d.id).not.toBe('channel-1')
    expect(channelEvent('CHANNEL_DELETE').d.id).toBe('channel-1')
    const thread = forumThread('FORUM_THREAD_CREATE', { title: 'T' })
    expect(JSON.parse((thread.d.thread_info as { title: string }).title)).toEqual({
      paragraphs: [{ elems: [{ text: { text: 'T' }, type: 1 }], props: {} }],
    })
    expect(forumPublishAuditResult({ type: 3 }).d).toMatchObject({
      type: 3,
      result: 0,
      reply_id: expect.stringMatching(/^R_/),
    })
    expect(openForumEvent('OPEN_FORUM_REPLY_DELETE').d).toEqual({
      guild_id: 'guild-1',
      channel_id: 'forum-channel-1',
      author_id: '2000000000000000002',
    })
    expect(audioAction('AUDIO_ON_MIC').d).toEqual({ guild_id: 'guild-1', channel_id: 'voice-channel-1' })
    expect(audioAction('AUDIO_START').d).toMatchObject({ audio_url: expect.any(String), text: expect.any(String) })
    expect(audioLiveChannelMember('AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT', { channelType: 5 }).d).toMatchObject({
      channel_type: 5,
    })
  })
})
