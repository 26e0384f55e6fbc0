import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { MsgSeqAllocator } from './msg-seq-allocator.js'
import { ReplyLimitError, ReplyNotSupportedError, ReplyWindowClosedError } from './reply-errors.js'
import { REPLY_WINDOWS, replyTargetOf } from './reply-target.js'

function event(name: string, data: Record<string, unknown>, id = `${name}:evt`): DispatchedEvent {
  return { name, id, data, seq: 1, source: 'test', shard: undefined, receivedAt: Date.now() }
}

describe('replyTargetOf', () => {
  it.each([
    ['AT_MESSAGE_CREATE', { id: 'm1', channel_id: 'c1' }, { scene: 'channel', targetId: 'c1', reference: { kind: 'msg_id', id: 'm1' } }],
    ['MESSAGE_CREATE', { id: 'm1', channel_id: 'c1' }, { scene: 'channel', targetId: 'c1', reference: { kind: 'msg_id', id: 'm1' } }],
    ['DIRECT_MESSAGE_CREATE', { id: 'm2', guild_id: 'dm-g', channel_id: 'c' }, { scene: 'dm', targetId: 'dm-g', reference: { kind: 'msg_id', id: 'm2' } }],
    ['GROUP_AT_MESSAGE_CREATE', { id: 'm3', group_openid: 'g1' }, { scene: 'group', targetId: 'g1', reference: { kind: 'msg_id', id: 'm3' } }],
    ['C2C_MESSAGE_CREATE', { id: 'm4', author: { user_openid: 'u1' } }, { scene: 'c2c', targetId: 'u1', reference: { kind: 'msg_id', id: 'm4' } }],
    ['GROUP_ADD_ROBOT', { group_openid: 'g2' }, { scene: 'group', targetId: 'g2', reference: { kind: 'event_id', id: 'GROUP_ADD_ROBOT:evt' } }],
    ['FRIEND_ADD', { openid: 'u2' }, { scene: 'c2c', targetId: 'u2', reference: { kind: 'event_id', id: 'FRIEND_ADD:evt' } }],
    ['INTERACTION_CREATE', { id: 'i1', chat_type: 1, group_openid: 'g3' }, { scene: 'group', targetId: 'g3', reference: { kind: 'event_id', id: 'i1' } }],
    ['INTERACTION_CREATE', { id: 'i2', scene: 'c2c', user_openid: 'u3' }, { scene: 'c2c', targetId: 'u3', reference: { kind: 'event_id', id: 'i2' } }],
  ])('GIVEN %s THEN it replies to %j', (name, data, expected) => {
    expect(replyTargetOf(event(name, data))).toMatchObject(expected)
  })

  it('GIVEN an event with nowhere to reply (GUILD_MEMBER_ADD) THEN there is no target', () => {
    expect(replyTargetOf(event('GUILD_MEMBER_ADD', { guild_id: 'g', user: { id: 'u' } }))).toBeUndefined()
  })
})

describe('MsgSeqAllocator', () => {
  it('GIVEN replies to one group message THEN seqs are 1..5, independent per message, and the 6th is refused', () => {
    const seqs = new MsgSeqAllocator(() => 1_000)
    const got = Array.from({ length: 5 }, () => seqs.next('a', 1_000, REPLY_WINDOWS.group))
    expect(got).toEqual([1, 2, 3, 4, 5])
    expect(seqs.next('b', 1_000, REPLY_WINDOWS.group)).toBe(1)
    expect(() => seqs.next('a', 1_000, REPLY_WINDOWS.group)).toThrow(ReplyLimitError)
  })

  it('GIVEN a guild channel THEN there is no per-message limit', () => {
    const seqs = new MsgSeqAllocator(() => 0)
    for (let i = 0; i < 10; i++) seqs.next('c', 0, REPLY_WINDOWS.channel)
    expect(seqs.next('c', 0, REPLY_WINDOWS.channel)).toBe(11)
  })

  it('GIVEN time passes THEN the group window closes after 5 min but C2C stays open until 60 min', () => {
    let now = 0
    const seqs = new MsgSeqAllocator(() => now)
    now = 5 * 60_000 + 1
    expect(() => seqs.next('g', 0, REPLY_WINDOWS.group)).toThrow(ReplyWindowClosedError)
    expect(seqs.next('u', 0, REPLY_WINDOWS.c2c)).toBe(1)
    now = 60 * 60_000 + 1
    const error = (() => {
      try {
        seqs.next('u', 0, REPLY_WINDOWS.c2c)
      } catch (e) {
        return e as ReplyWindowClosedError
      }
    })()
    expect(error?.code).toBe('REPLY_WINDOW_CLOSED')
  })
})

describe('ReplySender through the fake platform', () => {
  let platform: FakePlatform | undefined
  let client: QQBotClient | undefined
  afterEach(async () => {
    await client?.stop()
    await platform?.close()
  })

  async function setup() {
    platform = await startFakePlatform()
    client = createClient({ appId: platform.appId, secret: platform.secret, hosts: { api: platform.url }, logLevel: 'silent', rest: { backoff: { baseMs: 5, maxMs: 10 } } })
    return { platform, client }
  }

  it('GIVEN text, markdown and media replies THEN msg_type is chosen from the body and seqs count up', async () => {
    const { platform, client } = await setup()
    const inbound = event('GROUP_AT_MESSAGE_CREATE', { id: 'in-1', group_openid: 'g1' })
    await client.reply(inbound, 'hello')
    await client.reply(inbound, { markdown: { content: '**bold**' } })
    await client.reply(inbound, { media: { file_info: 'abc' } })
    expect(platform.sent.map((message) => message.body)).toEqual([
      { content: 'hello', msg_id: 'in-1', msg_seq: 1, msg_type: 0 },
      { markdown: { content: '**bold**' }, msg_id: 'in-1', msg_seq: 2, msg_type: 2 },
      { media: { file_info: 'abc' }, msg_id: 'in-1', msg_seq: 3, msg_type: 7, content: ' ' },
    ])
  })

  it('GIVEN a 500 on the first attempt THEN the retry keeps msg_seq (no 40054005) and one message lands', async () => {
    const { platform, client } = await setup()
    platform.failNext({ path: '/v2/users/u1/messages' }, { status: 500 })
    await client.reply(event('C2C_MESSAGE_CREATE', { id: 'in-2', author: { user_openid: 'u1' } }), 'hi')
    const attempts = platform.calls.filter((call) => call.path === '/v2/users/u1/messages')
    expect(attempts.map((call) => (call.body as { msg_seq: number }).msg_seq)).toEqual([1, 1])
    expect(platform.sent).toHaveLength(1)
  })

  it('GIVEN a non-message event with no target THEN reply rejects with REPLY_NOT_SUPPORTED before any call', async () => {
    const { platform, client } = await setup()
    await expect(client.reply(event('GUILD_MEMBER_ADD', { guild_id: 'g' }), 'x')).rejects.toBeInstanceOf(ReplyNotSupportedError)
    expect(platform.calls).toHaveLength(0)
  })
})
