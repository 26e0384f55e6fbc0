import { describe, it, expect } from 'vitest'
import {
  KNOWN_EVENT_NAMES,
  MESSAGE_EVENT_NAMES,
  isKnownEventName,
  isMessageEvent,
  type KnownEventName,
} from './event-names.js'
import { eventSchemas, parseEventPayload } from './schemas.js'

// Realistic payloads, after the examples in bot-docs (send-receive/event.md, msg-btn.md,
// group/user manage event.md, event-emit.md) with the extra fields seen on the wire.

const guildMessage = () => ({
  author: { avatar: 'http://thirdqq.qlogo.cn/0', bot: false, id: '1234', username: 'abc' },
  channel_id: '100010',
  content: '<@!5678> /ping',
  guild_id: '18700000000001',
  id: '0812345677890abcdef',
  member: { joined_at: '2021-04-12T16:34:42+08:00', roles: ['1'] },
  mentions: [{ avatar: '', bot: true, id: '5678', username: 'bot' }],
  timestamp: '2021-05-20T15:14:58+08:00',
  seq: 101,
  seq_in_channel: '101',
})

const directMessage = () => ({
  ...guildMessage(),
  content: 'hello',
  direct_message: true,
  src_guild_id: '18700000000002',
})

const groupMessage = () => ({
  author: {
    id: 'E4F4AEA33253A2797FB897C50B81D7ED',
    member_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
    union_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  },
  content: ' 123',
  group_id: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
  group_openid: 'C9F778FE6ADF9D1D1DBE395BF744A33A',
  id: 'ROBOT1.0_eBIyWnxpmSu6uLQ7u7fU0eGloKGYg4eEa737vRyKnMCgyZjKi7JLYkQ9B0VapbiY',
  timestamp: '2023-11-06T13:37:18+08:00',
})

const c2cMessage = () => ({
  author: {
    id: 'E4F4AEA33253A2797FB897C50B81D7ED',
    user_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
    union_openid: 'E4F4AEA33253A2797FB897C50B81D7ED',
  },
  content: '123',
  id: 'ROBOT1.0_.b6nx.CVryAO0nR58RXuU6SC.m92gc19j02qKqdm8ek!',
  timestamp: '2023-11-06T13:37:18+08:00',
  attachments: [
    {
      content_type: 'image/png',
      filename: 'a.png',
      height: 100,
      width: 200,
      size: 3456,
      url: 'https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=abc',
    },
  ],
  message_scene: { source: 'default' },
})

const messagePayloads: Record<(typeof MESSAGE_EVENT_NAMES)[number], () => Record<string, unknown>> = {
  AT_MESSAGE_CREATE: guildMessage,
  MESSAGE_CREATE: guildMessage,
  DIRECT_MESSAGE_CREATE: directMessage,
  GROUP_AT_MESSAGE_CREATE: groupMessage,
  GROUP_MESSAGE_CREATE: () => ({ ...groupMessage(), content: 'no mention here' }),
  C2C_MESSAGE_CREATE: c2cMessage,
}

/** The payload's odd fields as `path: problem` lines, for payloads that do not conform. */
function problems(name: string, d: unknown): string {
  const r = parseEventPayload(name, d)
  expect(r.nonconforming, `${name} should not conform`).toBeDefined()
  return (r.nonconforming ?? []).map((field) => `${field.path}: ${field.problem}`).join('; ')
}

describe('parseEventPayload: message events', () => {
  for (const [name, make] of Object.entries(messagePayloads)) {
    it(`accepts a realistic ${name}`, () => {
      const d = make()
      const r = parseEventPayload(name, d)
      expect(r).toEqual({ known: true, data: d })
    })
  }

  it('accepts empty content', () => {
    expect(parseEventPayload('C2C_MESSAGE_CREATE', { ...c2cMessage(), content: '' }).nonconforming).toBeUndefined()
    expect(parseEventPayload('AT_MESSAGE_CREATE', { ...guildMessage(), content: '' }).nonconforming).toBeUndefined()
  })

  it('accepts numeric and string timestamps, and delivers any other with the field named', () => {
    expect(
      parseEventPayload('GROUP_AT_MESSAGE_CREATE', { ...groupMessage(), timestamp: 1699240248 }).nonconforming,
    ).toBeUndefined()
    expect(
      parseEventPayload('GROUP_AT_MESSAGE_CREATE', { ...groupMessage(), timestamp: '1699240248' }).nonconforming,
    ).toBeUndefined()
    const odd = parseEventPayload('GROUP_AT_MESSAGE_CREATE', { ...groupMessage(), timestamp: true })
    expect(odd.data).toMatchObject({ timestamp: true, content: ' 123' })
    expect(odd.nonconforming).toEqual([{ path: 'timestamp', problem: 'expected string or number', normalised: false }])
  })

  it('keeps unknown fields, top-level and nested', () => {
    const d = {
      ...c2cMessage(),
      message_type: 103,
      msg_elements: [{ content: 'quoted' }],
      author: { ...c2cMessage().author, future_field: 'x' },
    }
    const r = parseEventPayload('C2C_MESSAGE_CREATE', d)
    expect(r.data).toMatchObject({
      message_type: 103,
      msg_elements: [{ content: 'quoted' }],
      author: { future_field: 'x' },
    })
    const dm = parseEventPayload('DIRECT_MESSAGE_CREATE', { ...directMessage(), brand_new: 1 })
    expect(dm.data).toMatchObject({ brand_new: 1, src_guild_id: '18700000000002' })
  })

  it('types the data of a known event name', () => {
    const r = parseEventPayload('C2C_MESSAGE_CREATE', c2cMessage())
    const openid: string = r.data.author.user_openid
    expect(openid).toBe('E4F4AEA33253A2797FB897C50B81D7ED')
  })
})

describe('parseEventPayload: known variants are rewritten to the documented shape', () => {
  it('a C2C author with id only gets user_openid', () => {
    const d = c2cMessage()
    const r = parseEventPayload('C2C_MESSAGE_CREATE', { ...d, author: { id: d.author.id } })
    expect(r.data.author).toEqual({ id: d.author.id, user_openid: d.author.id })
    expect(r.nonconforming).toEqual([
      { path: 'author.user_openid', problem: 'missing; taken from id', normalised: true },
    ])
  })

  it('a group message with group_id and author.id gets group_openid and author.member_openid', () => {
    const { group_openid: _drop, ...rest } = groupMessage()
    const r = parseEventPayload('GROUP_AT_MESSAGE_CREATE', { ...rest, author: { id: 'M1' } })
    expect(r.data).toMatchObject({
      group_openid: rest.group_id,
      group_id: rest.group_id,
      author: { id: 'M1', member_openid: 'M1' },
    })
    expect(r.nonconforming?.map((field) => field.path)).toEqual(['group_openid', 'author.member_openid'])
    expect(r.nonconforming?.every((field) => field.normalised)).toBe(true)
  })

  it('numbers where strings are documented become strings, a numeric chat_type a number', () => {
    const r = parseEventPayload('FORUM_THREAD_CREATE', {
      guild_id: 123,
      channel_id: 456,
      thread_info: { thread_id: 789 },
    })
    expect(r.data).toEqual({ guild_id: '123', channel_id: '456', thread_info: { thread_id: '789' } })
    expect(r.nonconforming?.map((field) => [field.path, field.normalised])).toEqual([
      ['guild_id', true],
      ['channel_id', true],
      ['thread_info.thread_id', true],
    ])
    const interaction = parseEventPayload('INTERACTION_CREATE', { id: 'i', chat_type: '1', group_openid: 'G' })
    expect(interaction.data.chat_type).toBe(1)
  })

  it('does not touch the payload it was given', () => {
    const d = { ...c2cMessage(), author: { id: 'U' } }
    parseEventPayload('C2C_MESSAGE_CREATE', d)
    expect(d.author).toEqual({ id: 'U' })
  })
})

describe('parseEventPayload: what cannot be rewritten is delivered as received, with every odd field named', () => {
  it('names missing required fields', () => {
    const { group_openid: _g, group_id: _i, ...rest } = groupMessage()
    const err = problems('GROUP_AT_MESSAGE_CREATE', { ...rest, author: {} })
    expect(err).toContain('group_openid: expected string, received undefined')
    expect(err).toContain('author.member_openid: expected string, received undefined')
  })

  it('requires the guild scene ids and author.id', () => {
    const { channel_id: _c, ...noChannel } = guildMessage()
    expect(problems('AT_MESSAGE_CREATE', noChannel)).toContain('channel_id: expected string')
    const { guild_id: _g, ...noGuild } = guildMessage()
    expect(problems('MESSAGE_CREATE', noGuild)).toContain('guild_id: expected string')
    expect(problems('DIRECT_MESSAGE_CREATE', { ...directMessage(), author: { username: 'x' } })).toContain(
      'author.id: expected string',
    )
  })

  it('requires id and content', () => {
    const { id: _i, content: _c, ...rest } = c2cMessage()
    const err = problems('C2C_MESSAGE_CREATE', rest)
    expect(err).toContain('id: expected string')
    expect(err).toContain('content: expected string')
  })

  it('folds array positions in paths', () => {
    const d = c2cMessage()
    expect(problems('C2C_MESSAGE_CREATE', { ...d, attachments: [...d.attachments, { filename: 'x' }] })).toBe(
      'attachments[].url: expected string, received undefined',
    )
  })

  it('lists every odd field', () => {
    const r = parseEventPayload('AT_MESSAGE_CREATE', { author: {}, attachments: [{}], mentions: [{}] })
    expect(r.nonconforming?.map((field) => field.path).sort()).toEqual([
      'attachments[].url',
      'author.id',
      'channel_id',
      'content',
      'guild_id',
      'id',
    ])
    expect(r.data).toEqual({ author: {}, attachments: [{}], mentions: [{}] })
  })
})

describe('parseEventPayload: other events', () => {
  it('INTERACTION_CREATE needs id and chat_type or scene', () => {
    const doc = {
      chat_type: 2,
      data: { resolved: { button_data: '回调按钮', button_id: '21', user_id: 'E4F4AEA3' }, type: 11 },
      id: '30540ff7-9d8f-4737-83f1-e116ce6afa8b',
      type: 11,
      version: 1,
    }
    expect(parseEventPayload('INTERACTION_CREATE', doc).nonconforming).toBeUndefined()
    const { chat_type: _c, ...noChatType } = doc
    expect(
      parseEventPayload('INTERACTION_CREATE', { ...noChatType, scene: 'group', group_openid: 'G' }).nonconforming,
    ).toBeUndefined()
    expect(problems('INTERACTION_CREATE', noChatType)).toContain('expected chat_type or scene')
    const { id: _i, ...noId } = doc
    expect(problems('INTERACTION_CREATE', noId)).toContain('id: expected string')
  })

  it('GROUP_ADD_ROBOT needs group_openid; FRIEND_ADD needs openid', () => {
    const robot = { group_openid: 'C9F778FE', op_member_openid: 'E4F4AEA3', timestamp: 1699240248 }
    expect(parseEventPayload('GROUP_ADD_ROBOT', robot)).toEqual({ known: true, data: robot })
    expect(problems('GROUP_ADD_ROBOT', { op_member_openid: 'E4F4AEA3' })).toContain('group_openid: expected string')
    expect(parseEventPayload('FRIEND_ADD', { openid: 'E4F4AEA3', timestamp: 1699240365 }).nonconforming).toBeUndefined()
    expect(problems('FRIEND_ADD', { timestamp: 1699240365 })).toContain('openid: expected string')
  })

  it('READY needs session_id; RESUMED accepts the documented empty string', () => {
    const ready = {
      version: 1,
      session_id: '082ee18c-0be3-491b-9d8b-fbd95c51673a',
      user: { id: '6158788878435714165', username: '群pro测试机器人', bot: true },
      shard: [0, 0],
    }
    expect(parseEventPayload('READY', ready).nonconforming).toBeUndefined()
    expect(problems('READY', { ...ready, session_id: undefined })).toContain('session_id')
    expect(parseEventPayload('RESUMED', '')).toEqual({ known: true, data: '' })
    expect(parseEventPayload('RESUMED', 7).nonconforming).toBeDefined()
  })

  it('accepts guild, member, delete, reaction, audit and 2026 group events', () => {
    const cases: [KnownEventName, unknown][] = [
      [
        'GUILD_CREATE',
        {
          id: '200000000',
          name: '频道名称',
          joined_at: '2021-10-21T11:20:18+08:00',
          op_user_id: '1',
          max_members: 300,
        },
      ],
      [
        'CHANNEL_UPDATE',
        { guild_id: '200000000', id: '2943679', name: '测试2', op_user_id: '1', owner_id: '1', sub_type: 0, type: 0 },
      ],
      [
        'GUILD_MEMBER_ADD',
        {
          guild_id: '1',
          joined_at: '2021-04-12T16:34:42+08:00',
          nick: '',
          roles: ['1'],
          user: { id: '2', username: 'u', bot: false },
          op_user_id: '2',
        },
      ],
      [
        'PUBLIC_MESSAGE_DELETE',
        {
          message: { author: { bot: false, id: '1', username: 'u' }, channel_id: '2', guild_id: '3', id: '4' },
          op_user: { id: '1' },
        },
      ],
      [
        'MESSAGE_REACTION_ADD',
        { user_id: '1', emoji: { id: '277', type: 1 }, channel_id: '2', guild_id: '3', target: { id: '4', type: 0 } },
      ],
      [
        'MESSAGE_AUDIT_PASS',
        {
          audit_id: 'a',
          message_id: 'm',
          guild_id: 'g',
          channel_id: 'c',
          audit_time: '2021-05-20T15:14:58+08:00',
          create_time: '2021-05-20T15:14:58+08:00',
          seq_in_channel: '1',
        },
      ],
      [
        'FORUM_THREAD_CREATE',
        {
          guild_id: 'g',
          channel_id: 'c',
          author_id: 'a',
          thread_info: {
            thread_id: 't',
            title: '{"paragraphs":[]}',
            content: '{}',
            date_time: '2022-01-01T00:00:00+08:00',
          },
        },
      ],
      ['OPEN_FORUM_POST_CREATE', { guild_id: 'g', channel_id: 'c', author_id: 'a' }],
      ['AUDIO_START', { guild_id: 'g', channel_id: 'c', audio_url: 'https://a/b.mp3', text: 'playing' }],
      ['AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER', { guild_id: 'g', channel_id: 'c', channel_type: 2, user_id: 'u' }],
      ['ENTER_AIO', { user_openid: 'u', from_source: 'profile' }],
      [
        'SUBSCRIBE_MESSAGE_STATUS',
        { openid: 'u', result: [{ template_id: 1, op: 1, subscribe_id: 's', update_ts: 1 }] },
      ],
      ['GROUP_MEMBER_ADD', { group_openid: 'G', member_openid: 'M', timestamp: 1699240248 }],
      ['GROUP_MEMBER_REMOVE', { group_openid: 'G', member_openid: 'M', timestamp: 1699240248 }],
      [
        'GROUP_JOIN_REQUEST',
        {
          group_openid: 'G',
          join_request_id: 'J',
          member_openid: 'M',
          apply_at: '2026-05-01T12:00:00+08:00',
          apply_source: 'self_apply',
          verify_info: { method: 'verify_message', verify_message: 'hi' },
        },
      ],
    ]
    for (const [name, d] of cases) {
      expect(parseEventPayload(name, d), name).toEqual({ known: true, data: d })
    }
  })
})

describe('parseEventPayload: unknown names and malformed input', () => {
  it('passes unknown events through untouched', () => {
    const d = { anything: [1, 2, 3] }
    const r = parseEventPayload('SOME_FUTURE_EVENT', d)
    expect(r).toEqual({ known: false, data: d })
    expect(r.data).toBe(d)
    expect(parseEventPayload('__proto__', null)).toEqual({ known: false, data: null })
    expect(parseEventPayload('toString', 'x')).toEqual({ known: false, data: 'x' })
  })

  it('delivers a null, string, number or array payload of an object event as received, naming the root, without throwing', () => {
    for (const name of KNOWN_EVENT_NAMES) {
      if (name === 'RESUMED') continue
      for (const d of [null, undefined, 'hello', 42, [], true]) {
        const r = parseEventPayload(name, d)
        expect(r.data, `${name} ${JSON.stringify(d)}`).toBe(d)
        expect(r.nonconforming?.[0]?.path, `${name} ${JSON.stringify(d)}`).toBe('(root)')
      }
    }
    expect(problems('C2C_MESSAGE_CREATE', null)).toBe('(root): expected object, received null')
  })

  it('does not throw on hostile input', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom')
        },
        ownKeys() {
          throw new Error('boom')
        },
      },
    )
    const r = parseEventPayload('C2C_MESSAGE_CREATE', hostile)
    expect(r.data).toBe(hostile)
    expect(r.nonconforming).toEqual([{ path: '(root)', problem: 'could not be read (boom)', normalised: false }])
  })
})

describe('event names', () => {
  it('has a schema for every known event and no other', () => {
    expect(Object.keys(eventSchemas).sort()).toEqual([...KNOWN_EVENT_NAMES].sort())
    expect(new Set(KNOWN_EVENT_NAMES).size).toBe(KNOWN_EVENT_NAMES.length)
    expect(KNOWN_EVENT_NAMES).toHaveLength(60)
  })

  it('isKnownEventName', () => {
    expect(isKnownEventName('GROUP_MESSAGE_CREATE')).toBe(true)
    expect(isKnownEventName('ENTER_AIO')).toBe(true)
    expect(isKnownEventName('GUILD_MEMBER_DELETE')).toBe(false) // satori's misnaming of REMOVE
    expect(isKnownEventName('constructor')).toBe(false)
  })

  it('isMessageEvent covers exactly the six user-message events', () => {
    expect([...MESSAGE_EVENT_NAMES].sort()).toEqual([
      'AT_MESSAGE_CREATE',
      'C2C_MESSAGE_CREATE',
      'DIRECT_MESSAGE_CREATE',
      'GROUP_AT_MESSAGE_CREATE',
      'GROUP_MESSAGE_CREATE',
      'MESSAGE_CREATE',
    ])
    expect(KNOWN_EVENT_NAMES.filter(isMessageEvent)).toHaveLength(6)
    expect(isMessageEvent('MESSAGE_DELETE')).toBe(false)
    expect(isMessageEvent('INTERACTION_CREATE')).toBe(false)
  })
})
