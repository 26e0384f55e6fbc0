import { describe, expect, it } from 'vitest'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { replyTargetOf } from '../reply/reply-target.js'
import { KNOWN_EVENT_NAMES, MESSAGE_EVENT_NAMES } from './event-names.js'
import { chatOf, isScene, sceneOf, SCENES, senderOf, textOf, type Scene } from './scene.js'

// Payloads in the shapes the platform sends (see the fake platform's event builders and test/corpus/payloads.ts).
const BOT = '1000000000000000001'

const guildAuthor = { id: '2000000000000000002', username: 'alice', bot: false }
const guildAt = {
  id: '08AT1',
  channel_id: 'channel-1',
  guild_id: 'guild-1',
  content: `<@!${BOT}> /roll 20`,
  timestamp: '2026-05-20T15:14:58+08:00',
  author: guildAuthor,
  member: { roles: ['1'] },
  mentions: [{ id: BOT, username: 'bot', bot: true }],
}
const guildPlain = { ...guildAt, id: '08MSG1', content: 'just chatting', mentions: [] }
const dm = {
  id: '08DM1',
  channel_id: 'dm-channel-2000000000000000002',
  guild_id: 'dms-2000000000000000002',
  src_guild_id: 'guild-1',
  direct_message: true,
  content: 'roll please',
  timestamp: '2026-05-20T15:14:58+08:00',
  author: guildAuthor,
}
const groupAt = {
  id: 'ROBOT1.0_G1',
  group_id: 'GROUP_OPENID_0001',
  group_openid: 'GROUP_OPENID_0001',
  content: ' /roll 20 ',
  timestamp: '2026-05-21T20:15:10+08:00',
  author: { id: 'MEMBER_OPENID_0001', member_openid: 'MEMBER_OPENID_0001', union_openid: 'UNION_1' },
}
const groupAll = {
  ...groupAt,
  id: 'ROBOT1.0_G2',
  content: 'anyone up for a game?',
  mentions: [{ scope: 'single', member_openid: 'BOT_OPENID', is_you: true }],
}
const c2c = {
  id: 'ROBOT1.0_C1',
  content: 'hello',
  timestamp: '2026-05-21T20:15:10+08:00',
  author: { id: 'USER_OPENID_0001', user_openid: 'USER_OPENID_0001', union_openid: 'UNION_1' },
}
const click = (extra: Record<string, unknown>) => ({
  id: 'INTERACTION_1',
  application_id: '102000000',
  type: 11,
  timestamp: '2026-05-21T20:15:10+08:00',
  data: { type: 11, resolved: { button_data: 'vote:yes', button_id: '1', message_id: 'MSG_1' } },
  version: 1,
  ...extra,
})
const guildClick = click({
  scene: 'guild',
  chat_type: 0,
  guild_id: 'guild-1',
  channel_id: 'channel-1',
  data: {
    type: 11,
    resolved: { button_data: 'vote:yes', button_id: '1', message_id: '08AT1', user_id: '2000000000000000002' },
  },
})
const dmClick = click({
  scene: 'guild',
  chat_type: 0,
  guild_id: 'dms-2000000000000000002',
  channel_id: 'dm-channel-2000000000000000002',
  data: { type: 11, resolved: { button_data: 'dm:1', button_id: '1', user_id: '2000000000000000002' } },
})
const groupClick = click({
  scene: 'group',
  chat_type: 1,
  group_openid: 'GROUP_OPENID_0001',
  group_member_openid: 'MEMBER_OPENID_0001',
})
const c2cClick = click({ scene: 'c2c', chat_type: 2, user_openid: 'USER_OPENID_0001' })

const event = (name: string, data: unknown, id = `${name}:1`): DispatchedEvent => ({
  name,
  id,
  data,
  seq: 1,
  source: 'test',
  shard: undefined,
  receivedAt: 0,
  deliveryId: undefined,
  attempt: 1,
})

/** Every message and interaction event of every scene, with what the four functions must read from it. */
const cases: [title: string, DispatchedEvent, Scene, chat: string, sender: string, text: string][] = [
  ['guild @-message', event('AT_MESSAGE_CREATE', guildAt), 'guild', 'channel-1', guildAuthor.id, '/roll 20'],
  ['guild message', event('MESSAGE_CREATE', guildPlain), 'guild', 'channel-1', guildAuthor.id, 'just chatting'],
  ['guild DM', event('DIRECT_MESSAGE_CREATE', dm), 'dm', dm.guild_id, guildAuthor.id, 'roll please'],
  [
    'group @-message',
    event('GROUP_AT_MESSAGE_CREATE', groupAt),
    'group',
    'GROUP_OPENID_0001',
    'MEMBER_OPENID_0001',
    '/roll 20',
  ],
  [
    'group message (all messages)',
    event('GROUP_MESSAGE_CREATE', groupAll),
    'group',
    'GROUP_OPENID_0001',
    'MEMBER_OPENID_0001',
    'anyone up for a game?',
  ],
  ['C2C message', event('C2C_MESSAGE_CREATE', c2c), 'c2c', 'USER_OPENID_0001', 'USER_OPENID_0001', 'hello'],
  [
    'guild button click',
    event('INTERACTION_CREATE', guildClick),
    'guild',
    'channel-1',
    '2000000000000000002',
    'vote:yes',
  ],
  [
    'guild DM button click (a guild interaction in the DM channel)',
    event('INTERACTION_CREATE', dmClick),
    'guild',
    'dm-channel-2000000000000000002',
    '2000000000000000002',
    'dm:1',
  ],
  [
    'group button click',
    event('INTERACTION_CREATE', groupClick),
    'group',
    'GROUP_OPENID_0001',
    'MEMBER_OPENID_0001',
    'vote:yes',
  ],
  [
    'C2C button click',
    event('INTERACTION_CREATE', c2cClick),
    'c2c',
    'USER_OPENID_0001',
    'USER_OPENID_0001',
    'vote:yes',
  ],
]

describe('scene vocabulary', () => {
  it.each(cases)('GIVEN a %s THEN sceneOf, chatOf, senderOf and textOf read it', (_, e, scene, chat, sender, text) => {
    expect([sceneOf(e), chatOf(e), senderOf(e), textOf(e)]).toEqual([scene, chat, sender, text])
  })

  it.each(cases)('GIVEN a %s THEN the reply goes to its scene and chat', (_, e, scene, chat) => {
    expect(replyTargetOf(e)).toMatchObject({ scene, targetId: chat })
  })

  it('GIVEN the four scenes THEN SCENES lists them and isScene accepts only them', () => {
    expect(SCENES).toEqual(['guild', 'dm', 'group', 'c2c'])
    expect(SCENES.filter(isScene)).toEqual(SCENES)
    for (const value of ['channel', 'GROUP', '', undefined, null, 1, {}]) expect(isScene(value)).toBe(false)
  })

  it('GIVEN every message event THEN its name alone gives its scene', () => {
    expect(Object.fromEntries(MESSAGE_EVENT_NAMES.map((name) => [name, sceneOf(name)]))).toEqual({
      AT_MESSAGE_CREATE: 'guild',
      MESSAGE_CREATE: 'guild',
      DIRECT_MESSAGE_CREATE: 'dm',
      GROUP_AT_MESSAGE_CREATE: 'group',
      GROUP_MESSAGE_CREATE: 'group',
      C2C_MESSAGE_CREATE: 'c2c',
    })
  })

  it('GIVEN the group and C2C events THEN they are in their scene, with the chat a reply goes to', () => {
    const group = { group_openid: 'G1', op_member_openid: 'M1', timestamp: 1747829710 }
    for (const name of ['GROUP_ADD_ROBOT', 'GROUP_DEL_ROBOT', 'GROUP_MSG_REJECT', 'GROUP_MSG_RECEIVE'])
      expect([sceneOf(event(name, group)), chatOf(event(name, group))], name).toEqual(['group', 'G1'])
    const member = { group_openid: 'G1', member_openid: 'M2', timestamp: 1747829710 }
    for (const name of ['GROUP_MEMBER_ADD', 'GROUP_MEMBER_REMOVE', 'GROUP_MEMBER_UPDATE'])
      expect([sceneOf(event(name, member)), chatOf(event(name, member))], name).toEqual(['group', 'G1'])
    const friend = { openid: 'U1', timestamp: 1747829710 }
    for (const name of ['FRIEND_ADD', 'FRIEND_DEL', 'C2C_MSG_REJECT', 'C2C_MSG_RECEIVE'])
      expect([sceneOf(event(name, friend)), chatOf(event(name, friend))], name).toEqual(['c2c', 'U1'])
    expect(chatOf(event('ENTER_AIO', { user_openid: 'U2', from_source: 'search' }))).toBe('U2')
    expect(chatOf(event('GROUP_JOIN_REQUEST', { group_openid: 'G3', join_request_id: 'j', member_openid: 'M' }))).toBe(
      'G3',
    )
    // A reply to them names the event id; the chat is the same.
    expect(replyTargetOf(event('GROUP_ADD_ROBOT', group, 'EVT'))).toMatchObject({
      scene: 'group',
      targetId: 'G1',
      reference: { kind: 'event_id', id: 'EVT' },
    })
    expect(replyTargetOf(event('FRIEND_ADD', friend, 'EVT'))).toMatchObject({ scene: 'c2c', targetId: 'U1' })
    // Events of the scene that cannot be answered still have a scene, but no reply target.
    expect(replyTargetOf(event('GROUP_DEL_ROBOT', group))).toBeUndefined()
  })

  it('GIVEN guild, forum and audio events other than messages THEN they have no scene, chat, sender or text', () => {
    const withScene = new Set<string>(KNOWN_EVENT_NAMES.filter((name) => sceneOf(name) !== undefined))
    expect(withScene.has('INTERACTION_CREATE')).toBe(false) // by name alone: its payload decides
    for (const name of ['GUILD_MEMBER_ADD', 'MESSAGE_DELETE', 'MESSAGE_REACTION_ADD', 'FORUM_THREAD_CREATE', 'READY']) {
      expect(withScene.has(name), name).toBe(false)
      const e = event(name, { channel_id: 'c', guild_id: 'g', user_id: 'u' })
      expect([sceneOf(e), chatOf(e), senderOf(e), textOf(e)], name).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ])
    }
    expect(sceneOf('SOMETHING_NEW')).toBeUndefined()
  })

  it('GIVEN an interaction without chat_type THEN scene, then the ids it carries, place it', () => {
    const bare = { id: 'i', data: { resolved: { button_data: 'x' } } }
    expect(sceneOf(event('INTERACTION_CREATE', { ...bare, scene: 'c2c', user_openid: 'U' }))).toBe('c2c')
    expect(sceneOf(event('INTERACTION_CREATE', { ...bare, group_openid: 'G', group_member_openid: 'M' }))).toBe('group')
    expect(sceneOf(event('INTERACTION_CREATE', { ...bare, user_openid: 'U' }))).toBe('c2c')
    expect(sceneOf(event('INTERACTION_CREATE', { ...bare, channel_id: 'C' }))).toBe('guild')
    expect(sceneOf(event('INTERACTION_CREATE', undefined))).toBe('guild')
  })

  it("GIVEN a payload with only another scene's author field THEN the sender is still found", () => {
    // Older group payloads carried author.id only; C2C ones may too (the schema copies it over, but not always).
    expect(senderOf(event('GROUP_AT_MESSAGE_CREATE', { ...groupAt, author: { id: 'M9' } }))).toBe('M9')
    expect(senderOf(event('C2C_MESSAGE_CREATE', { ...c2c, author: { id: 'U9' } }))).toBe('U9')
    expect(senderOf(event('INTERACTION_CREATE', click({ chat_type: 1, user_openid: 'U8' })))).toBe('U8')
  })

  it('GIVEN payloads missing their ids or text THEN the functions say undefined instead of throwing', () => {
    for (const data of [undefined, null, 'text', {}, { author: null, content: 42 }]) {
      for (const name of [...MESSAGE_EVENT_NAMES, 'INTERACTION_CREATE', 'FRIEND_ADD']) {
        const e = event(name, data)
        expect([chatOf(e), senderOf(e), textOf(e)], `${name} ${JSON.stringify(data)}`).toEqual([
          undefined,
          undefined,
          undefined,
        ])
      }
    }
    expect(chatOf(event('GROUP_AT_MESSAGE_CREATE', { ...groupAt, group_openid: '' }))).toBeUndefined()
    // A menu tap (type 12) has no button data: no text.
    expect(
      textOf(event('INTERACTION_CREATE', click({ type: 12, data: { type: 12, resolved: { feature_id: '1' } } }))),
    ).toBe(undefined)
  })

  it('GIVEN message text THEN textOf drops only a leading mention and the surrounding spaces', () => {
    const text = (content: string) => textOf(event('AT_MESSAGE_CREATE', { ...guildAt, content }))
    expect(text(`<@!${BOT}>   hi there  `)).toBe('hi there')
    expect(text(`<@${BOT}> hi`)).toBe('hi')
    expect(text(`hi <@!${BOT}>`)).toBe(`hi <@!${BOT}>`)
    expect(text('/ban <@!2000000000000000002>')).toBe('/ban <@!2000000000000000002>')
    expect(text('')).toBe('')
  })
})
