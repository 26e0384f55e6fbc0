import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  c2cMessage,
  directMessage,
  friendAdd,
  groupAddRobot,
  groupAtMessage,
  guildAtMessage,
  guildMemberAdd,
  interaction,
  startFakePlatform,
  type BuiltEvent,
  type FakePlatform,
} from '@qqbot/fake-platform'
import { AccessTokenManager } from '../auth/access-token-manager.js'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import { useClientOnPlatform } from '../test-client.js'
import { createLogger } from '../logging/logger.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { HttpTransport } from '../http/http-transport.js'
import { OpenApi } from '../rest/open-api.js'
import { RestClient } from '../rest/rest-client.js'
import { MsgSeqAllocator } from './msg-seq-allocator.js'
import { ReplyLimitError, ReplyNotSupportedError, ReplyWindowClosedError } from './reply-errors.js'
import { ReplySender } from './reply-sender.js'
import { REPLY_WINDOWS, replyTargetOf, replyWindows } from './reply-target.js'

const MINUTE = 60_000

/** An event as the pipeline hands it over; `id: null` for one without a payload id. */
function event(
  name: string,
  data: Record<string, unknown>,
  id: string | null = `${name}:evt`,
  receivedAt = Date.now(),
): DispatchedEvent {
  return {
    name,
    id: id ?? undefined,
    data,
    seq: 1,
    source: 'test',
    shard: undefined,
    receivedAt,
    deliveryId: undefined,
    attempt: 1,
  }
}

/** A fake-platform builder result as the pipeline would hand it over (payload id: the builder's, or `eventId`). */
function fromBuilder(built: BuiltEvent<unknown>, eventId?: string, receivedAt = Date.now()): DispatchedEvent {
  return event(built.t, built.d as Record<string, unknown>, built.id ?? eventId ?? null, receivedAt)
}

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('replyTargetOf', () => {
  it.each([
    [
      'AT_MESSAGE_CREATE',
      { id: 'm1', channel_id: 'c1', guild_id: 'g' },
      { scene: 'guild', targetId: 'c1', reference: { kind: 'msg_id', id: 'm1' } },
    ],
    [
      'MESSAGE_CREATE',
      { id: 'm1', channel_id: 'c1' },
      { scene: 'guild', targetId: 'c1', reference: { kind: 'msg_id', id: 'm1' } },
    ],
    [
      'DIRECT_MESSAGE_CREATE',
      { id: 'm2', guild_id: 'dm-g', channel_id: 'c' },
      { scene: 'dm', targetId: 'dm-g', reference: { kind: 'msg_id', id: 'm2' } },
    ],
    [
      'GROUP_AT_MESSAGE_CREATE',
      { id: 'm3', group_openid: 'g1' },
      { scene: 'group', targetId: 'g1', reference: { kind: 'msg_id', id: 'm3' } },
    ],
    [
      'C2C_MESSAGE_CREATE',
      { id: 'm4', author: { user_openid: 'u1' } },
      { scene: 'c2c', targetId: 'u1', reference: { kind: 'msg_id', id: 'm4' } },
    ],
    [
      'GROUP_ADD_ROBOT',
      { group_openid: 'g2' },
      { scene: 'group', targetId: 'g2', reference: { kind: 'event_id', id: 'GROUP_ADD_ROBOT:evt' } },
    ],
    [
      'GROUP_MSG_RECEIVE',
      { group_openid: 'g2' },
      { scene: 'group', targetId: 'g2', reference: { kind: 'event_id', id: 'GROUP_MSG_RECEIVE:evt' } },
    ],
    [
      'FRIEND_ADD',
      { openid: 'u2' },
      { scene: 'c2c', targetId: 'u2', reference: { kind: 'event_id', id: 'FRIEND_ADD:evt' } },
    ],
    [
      'C2C_MSG_RECEIVE',
      { openid: 'u2' },
      { scene: 'c2c', targetId: 'u2', reference: { kind: 'event_id', id: 'C2C_MSG_RECEIVE:evt' } },
    ],
    [
      'INTERACTION_CREATE',
      { id: 'i1', chat_type: 1, group_openid: 'g3' },
      { scene: 'group', targetId: 'g3', reference: { kind: 'event_id', id: 'i1' } },
    ],
    [
      'INTERACTION_CREATE',
      { id: 'i2', scene: 'c2c', user_openid: 'u3' },
      { scene: 'c2c', targetId: 'u3', reference: { kind: 'event_id', id: 'i2' } },
    ],
    [
      'INTERACTION_CREATE',
      { id: 'i3', chat_type: 0, channel_id: 'c9', guild_id: 'g' },
      { scene: 'guild', targetId: 'c9', reference: { kind: 'event_id', id: 'i3' } },
    ],
  ])('GIVEN %s %j THEN it replies to %j', (name, data, expected) => {
    expect(replyTargetOf(event(name, data))).toMatchObject(expected)
  })

  it("GIVEN the fake platform's event builders THEN each scene maps to its endpoint target, reference and window", () => {
    const at = guildAtMessage({ content: 'hi', id: 'AT1', channelId: 'chan-7' })
    expect(replyTargetOf(fromBuilder(at))).toEqual({
      scene: 'guild',
      targetId: 'chan-7',
      reference: { kind: 'msg_id', id: 'AT1' },
      window: REPLY_WINDOWS.guild,
    })
    const dm = directMessage({ content: 'hi', id: 'DM1', authorId: '42' })
    expect(replyTargetOf(fromBuilder(dm))).toEqual({
      scene: 'dm',
      targetId: 'dms-42',
      reference: { kind: 'msg_id', id: 'DM1' },
      window: REPLY_WINDOWS.dm,
    })
    const group = groupAtMessage({ content: 'hi', id: 'G1', groupOpenid: 'GROUP_A' })
    expect(replyTargetOf(fromBuilder(group))).toEqual({
      scene: 'group',
      targetId: 'GROUP_A',
      reference: { kind: 'msg_id', id: 'G1' },
      window: REPLY_WINDOWS.group,
    })
    const c2c = c2cMessage({ content: 'hi', id: 'C1', userOpenid: 'USER_A' })
    expect(replyTargetOf(fromBuilder(c2c))).toEqual({
      scene: 'c2c',
      targetId: 'USER_A',
      reference: { kind: 'msg_id', id: 'C1' },
      window: REPLY_WINDOWS.c2c,
    })
    expect(replyTargetOf(fromBuilder(groupAddRobot({ groupOpenid: 'GROUP_B' }), 'EVT-ADD'))).toMatchObject({
      scene: 'group',
      targetId: 'GROUP_B',
      reference: { kind: 'event_id', id: 'EVT-ADD' },
    })
    expect(replyTargetOf(fromBuilder(friendAdd({ openid: 'USER_B' }), 'EVT-FRIEND'))).toMatchObject({
      scene: 'c2c',
      targetId: 'USER_B',
      reference: { kind: 'event_id', id: 'EVT-FRIEND' },
    })
    for (const [scene, expected] of [
      ['group', { scene: 'group', targetId: 'GROUP_OPENID_0001' }],
      ['c2c', { scene: 'c2c', targetId: 'USER_OPENID_0001' }],
      ['guild', { scene: 'guild', targetId: 'channel-1' }],
    ] as const) {
      const built = interaction({ scene, buttonData: 'b', id: `INT-${scene}` })
      expect(replyTargetOf(fromBuilder(built))).toMatchObject({
        ...expected,
        reference: { kind: 'event_id', id: `INT-${scene}` },
      })
    }
  })

  it.each([
    ['GUILD_MEMBER_ADD', fromBuilder(guildMemberAdd())],
    ['READY', event('READY', { session_id: 's' })],
    ['GROUP_ADD_ROBOT without an event id', fromBuilder(groupAddRobot({ groupOpenid: 'g' }), undefined)],
    ['GROUP_AT_MESSAGE_CREATE without a message id', event('GROUP_AT_MESSAGE_CREATE', { group_openid: 'g' })],
  ])('GIVEN %s THEN there is no reply target', (_, dispatched) => {
    expect(replyTargetOf(dispatched)).toBeUndefined()
  })
})

describe('MsgSeqAllocator', () => {
  it.each([
    ['group', 5, REPLY_WINDOWS.group],
    ['C2C', 4, REPLY_WINDOWS.c2c],
    ['C2C limited to 5', 5, replyWindows({ c2c: 5 }).c2c],
    ['group limited to 3', 3, replyWindows({ group: 3 }).group],
  ])(
    'GIVEN replies to one %s message THEN seqs are 1..%i, independent per message, and the next throws REPLY_LIMIT_REACHED',
    (_, limit, window) => {
      const seqs = new MsgSeqAllocator(() => 1_000)
      expect(Array.from({ length: limit }, () => seqs.next('a', 1_000, window))).toEqual(
        Array.from({ length: limit }, (_, i) => i + 1),
      )
      expect(seqs.next('b', 1_000, window)).toBe(1)
      expect(seqs.next('b', 1_000, window)).toBe(2)
      const error = thrown(() => seqs.next('a', 1_000, window))
      expect(error).toBeInstanceOf(ReplyLimitError)
      expect(error).toMatchObject({ code: 'REPLY_LIMIT_REACHED' })
      expect(() => seqs.next('a', 1_000, window)).toThrow(ReplyLimitError) // stays refused
      expect(seqs.next('b', 1_000, window)).toBe(3)
    },
  )

  it.each([
    ['guild channel', REPLY_WINDOWS.guild],
    ['guild DM', REPLY_WINDOWS.dm],
  ])('GIVEN a %s THEN there is no per-message limit', (_, window) => {
    const seqs = new MsgSeqAllocator(() => 0)
    for (let i = 1; i <= 20; i++) expect(seqs.next('c', 0, window)).toBe(i)
  })

  it('GIVEN time passes THEN the group window closes after 5 min', () => {
    let now = 0
    const seqs = new MsgSeqAllocator(() => now)
    now = 5 * MINUTE
    expect(seqs.next('g', 0, REPLY_WINDOWS.group)).toBe(1) // still inside at exactly 5 min
    now = 5 * MINUTE + 1
    const error = thrown(() => seqs.next('g', 0, REPLY_WINDOWS.group))
    expect(error).toBeInstanceOf(ReplyWindowClosedError)
    expect(error).toMatchObject({ code: 'REPLY_WINDOW_CLOSED' })
    expect((error as Error).message).toMatch(/group passive-reply window is 5 min/)
  })

  it('GIVEN time passes THEN C2C is NOT closed before 60 min, and is after', () => {
    let now = 0
    const seqs = new MsgSeqAllocator(() => now)
    for (const minutes of [5.01, 6, 30, 59.99, 60]) {
      now = minutes * MINUTE
      expect(() => seqs.next(`u@${minutes}`, 0, REPLY_WINDOWS.c2c)).not.toThrow()
    }
    now = 60 * MINUTE + 1
    const error = thrown(() => seqs.next('u-late', 0, REPLY_WINDOWS.c2c))
    expect(error).toBeInstanceOf(ReplyWindowClosedError)
    expect(error).toMatchObject({ code: 'REPLY_WINDOW_CLOSED' })
  })

  it('GIVEN many replied-to ids whose windows closed THEN old entries are swept (memory stays bounded)', () => {
    let now = 0
    const seqs = new MsgSeqAllocator(() => now)
    for (let i = 0; i < 100; i++) seqs.next(`m${i}`, 0, REPLY_WINDOWS.group)
    expect(seqs.size).toBe(100)
    now = 10 * MINUTE
    seqs.next('fresh', now, REPLY_WINDOWS.group)
    expect(seqs.size).toBe(1)
  })

  it('GIVEN no more replies after many THEN entries are dropped by a timer when their window closes (group 5 min, C2C 60 min)', () => {
    vi.useFakeTimers({ now: 0 })
    try {
      const seqs = new MsgSeqAllocator()
      for (let i = 0; i < 100; i++) seqs.next(`g${i}`, 0, REPLY_WINDOWS.group)
      seqs.next('u', 0, REPLY_WINDOWS.c2c)
      expect(seqs.remaining('g1', REPLY_WINDOWS.group)).toBe(4)
      vi.advanceTimersByTime(5 * MINUTE)
      expect(seqs.size).toBe(101) // not before the window closed
      vi.advanceTimersByTime(10_000)
      expect(seqs.size).toBe(1)
      expect(seqs.next('u', 0, REPLY_WINDOWS.c2c)).toBe(2) // the C2C entry is still there
      vi.advanceTimersByTime(55 * MINUTE + 10_000)
      expect(seqs.size).toBe(0)
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('ReplySender through the fake platform', () => {
  let platform: FakePlatform | undefined
  let client: QQBotClient | undefined
  let transport: HttpTransport | undefined
  let tokens: AccessTokenManager | undefined
  afterEach(async () => {
    tokens?.stop()
    await transport?.close()
    await client?.stop()
    await platform?.close()
    platform = client = transport = tokens = undefined
  })

  async function setup() {
    platform = await startFakePlatform()
    client = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      rest: { backoff: { baseMs: 5, maxMs: 10 } },
    })
    return { platform, client }
  }

  /** A ReplySender with its own clock, over a real RestClient. */
  async function senderWithClock(now: () => number) {
    platform = await startFakePlatform()
    transport = new HttpTransport()
    const logger = createLogger({ level: 'silent' })
    tokens = new AccessTokenManager({
      appId: platform.appId,
      secret: platform.secret,
      tokenUrl: `${platform.url}/app/getAppAccessToken`,
      transport,
      logger,
    })
    const rest = new RestClient({
      baseUrl: platform.url,
      appId: platform.appId,
      tokens,
      transport,
      logger,
      backoff: { baseMs: 5, maxMs: 10 },
    })
    return { platform, sender: new ReplySender(new OpenApi(rest), { now }) }
  }

  it('GIVEN text, markdown, ark, embed and media replies THEN msg_type is chosen from the body, media gets content " ", seqs count up', async () => {
    const { platform, client } = await setup()
    const inbound = fromBuilder(groupAtMessage({ content: '/ping', id: 'in-1', groupOpenid: 'g1' }))
    await client.reply(inbound, 'hello')
    await client.reply(inbound, { markdown: { content: '**bold**' } })
    await client.reply(inbound, { media: { file_info: 'abc' } })
    await client.reply(inbound, { ark: { template_id: 23, kv: [] } })
    await client.reply(inbound, { embed: { title: 't' } })
    expect(platform.sent.map((message) => [message.scene, message.target])).toEqual(Array(5).fill(['group', 'g1']))
    expect(platform.sent.map((message) => message.body)).toEqual([
      { content: 'hello', msg_id: 'in-1', msg_seq: 1, msg_type: 0 },
      { markdown: { content: '**bold**' }, msg_id: 'in-1', msg_seq: 2, msg_type: 2 },
      { media: { file_info: 'abc' }, msg_id: 'in-1', msg_seq: 3, msg_type: 7, content: ' ' },
      { ark: { template_id: 23, kv: [] }, msg_id: 'in-1', msg_seq: 4, msg_type: 3 },
      { embed: { title: 't' }, msg_id: 'in-1', msg_seq: 5, msg_type: 4 },
    ])
    // the platform allows 5 replies to one message: the 6th is refused before any request
    const callsBefore = platform.calls.length
    await expect(client.reply(inbound, 'six')).rejects.toMatchObject({ code: 'REPLY_LIMIT_REACHED' })
    expect(platform.calls.length).toBe(callsBefore)
  })

  it('GIVEN media with a caption or an explicit msg_type THEN both are kept', async () => {
    const { platform, client } = await setup()
    const inbound = fromBuilder(c2cMessage({ content: 'x', id: 'in-c', userOpenid: 'u9' }))
    await client.reply(inbound, { media: { file_info: 'f' }, content: 'caption' })
    // A type the body alone would not give: a typing indicator (the platform records it apart from messages).
    await client.reply(inbound, { msg_type: 6, input_notify: { input_type: 1, input_second: 5 } })
    expect(platform.sent.map((message) => message.body)).toEqual([
      { media: { file_info: 'f' }, content: 'caption', msg_id: 'in-c', msg_seq: 1, msg_type: 7 },
    ])
    expect(platform.streams.typing).toMatchObject([
      { target: 'u9', msgId: 'in-c', msgSeq: 2, inputType: 1, seconds: 5 },
    ])
  })

  it('GIVEN each scene THEN the reply goes to its endpoint with msg_id/event_id, and msg_seq only for group/C2C', async () => {
    const { platform, client } = await setup()
    await client.reply(fromBuilder(guildAtMessage({ content: 'a', id: 'AT1', channelId: 'channel-1' })), 'a')
    await client.reply(fromBuilder(directMessage({ content: 'b', id: 'DM1', authorId: '7' })), 'b')
    await client.reply(fromBuilder(groupAtMessage({ content: 'c', id: 'G1', groupOpenid: 'GA' })), 'c')
    await client.reply(fromBuilder(c2cMessage({ content: 'd', id: 'C1', userOpenid: 'UA' })), 'd')
    await client.reply(fromBuilder(groupAddRobot({ groupOpenid: 'GB' }), 'EVT-1'), 'e')
    await client.reply(fromBuilder(friendAdd({ openid: 'UB' }), 'EVT-2'), 'f')
    await client.reply(
      fromBuilder(interaction({ scene: 'group', buttonData: 'x', id: 'INT-1', groupOpenid: 'GC' })),
      'g',
    )
    expect(
      platform.sent.map((message) => ({ scene: message.scene, target: message.target, body: message.body })),
    ).toEqual([
      { scene: 'guild', target: 'channel-1', body: { content: 'a', msg_id: 'AT1' } },
      { scene: 'dm', target: 'dms-7', body: { content: 'b', msg_id: 'DM1' } },
      { scene: 'group', target: 'GA', body: { content: 'c', msg_id: 'G1', msg_seq: 1, msg_type: 0 } },
      { scene: 'c2c', target: 'UA', body: { content: 'd', msg_id: 'C1', msg_seq: 1, msg_type: 0 } },
      { scene: 'group', target: 'GB', body: { content: 'e', event_id: 'EVT-1', msg_seq: 1, msg_type: 0 } },
      { scene: 'c2c', target: 'UB', body: { content: 'f', event_id: 'EVT-2', msg_seq: 1, msg_type: 0 } },
      { scene: 'group', target: 'GC', body: { content: 'g', event_id: 'INT-1', msg_seq: 1, msg_type: 0 } },
    ])
    expect(client.metrics().counters.replies_sent).toEqual({
      'scene="guild"': 1,
      'scene="dm"': 1,
      'scene="group"': 3,
      'scene="c2c"': 2,
    })
  })

  it('GIVEN a 500 on the first attempt THEN the retry keeps msg_seq (the fake would answer 40054005 otherwise) and one message lands', async () => {
    const { platform, client } = await setup()
    const inbound = fromBuilder(c2cMessage({ content: 'x', id: 'in-2', userOpenid: 'u1' }))
    await client.reply(inbound, 'first') // seq 1 is taken
    platform.failNext({ path: '/v2/users/u1/messages' }, { status: 500 })
    await client.reply(inbound, 'second')
    const attempts = platform.calls.filter((call) => call.path === '/v2/users/u1/messages')
    expect(attempts.map((call) => [call.status, (call.body as { msg_seq: number }).msg_seq])).toEqual([
      [200, 1],
      [500, 2],
      [200, 2],
    ])
    expect(platform.sent.map((message) => message.body.content)).toEqual(['first', 'second'])
  })

  it('GIVEN the same group message handled again by another process THEN its reply resolves alreadySent and the platform has one message; a guild reply has no msg_seq to tell', async () => {
    const { platform, client } = await setup()
    const again = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
    })
    try {
      const inbound = fromBuilder(groupAtMessage({ content: '/ping', id: 'in-3', groupOpenid: 'g1' }))
      expect(await client.reply(inbound, 'pong')).toMatchObject({ id: expect.any(String) })
      expect(await again.reply(inbound, 'pong')).toEqual({ alreadySent: true })
      expect(platform.sent.map((message) => message.body.content)).toEqual(['pong'])
      expect(again.metrics().counters.replies_already_sent).toEqual({ 'scene="group"': 1 })
      expect(again.metrics().counters.replies_sent).toBeUndefined()
      // A different refusal is still an error.
      platform.failNext(
        { path: '/v2/groups/g1/messages' },
        { status: 400, body: { code: 40034102, message: 'no permission' } },
      )
      await expect(
        again.reply(fromBuilder(groupAtMessage({ content: 'x', id: 'in-4', groupOpenid: 'g1' })), 'x'),
      ).rejects.toMatchObject({ code: 'API_ERROR' })
    } finally {
      await again.stop()
    }
  })

  it('GIVEN an event older than its window THEN reply rejects with REPLY_WINDOW_CLOSED before any call; C2C still answers at 30 min', async () => {
    let now = 1_000_000
    const { platform, sender } = await senderWithClock(() => now)
    const group = fromBuilder(groupAtMessage({ content: 'x', id: 'old-g' }), undefined, now)
    const c2c = fromBuilder(c2cMessage({ content: 'x', id: 'old-c' }), undefined, now)
    now += 30 * MINUTE
    await expect(sender.reply(group, 'late')).rejects.toMatchObject({ code: 'REPLY_WINDOW_CLOSED' })
    expect(platform.calls).toHaveLength(0)
    await expect(sender.reply(c2c, 'fine')).resolves.toMatchObject({ id: expect.any(String) })
    expect(platform.sent).toHaveLength(1)
  })

  it('GIVEN a non-message event with no target THEN reply rejects with REPLY_NOT_SUPPORTED before any call', async () => {
    const { platform, client } = await setup()
    const error = await client.reply(fromBuilder(guildMemberAdd()), 'x').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReplyNotSupportedError)
    expect(error).toMatchObject({ code: 'REPLY_NOT_SUPPORTED' })
    expect(platform.calls).toHaveLength(0)
  })
})

describe('media replies', () => {
  const setup = useClientOnPlatform()

  it('GIVEN an image URL in a group THEN it is uploaded first (without sending) and sent as msg_type 7 with its file_info', async () => {
    const { platform, client } = await setup()
    await client.reply(fromBuilder(groupAtMessage({ content: '/cat', groupOpenid: 'g-media' })), {
      image: 'https://example.invalid/cat.png',
      content: 'a cat',
    })
    const upload = platform.calls.find((call) => call.path === '/v2/groups/g-media/files')!
    expect(upload.body).toEqual({ file_type: 1, url: 'https://example.invalid/cat.png', srv_send_msg: false })
    const sent = platform.sent.at(-1)!
    expect(sent.body).toMatchObject({ msg_type: 7, content: 'a cat', msg_seq: 1 })
    expect(sent.body.media.file_info).toBeTruthy()
    expect(sent.body.image).toBeUndefined()
  })

  it('GIVEN a voice URL in C2C THEN it is uploaded as file_type 3 and the empty content becomes a space', async () => {
    const { platform, client } = await setup()
    await client.reply(fromBuilder(c2cMessage({ content: '/say', userOpenid: 'u-media' })), {
      voice: 'https://example.invalid/hi.silk',
    })
    expect(platform.calls.find((call) => call.path === '/v2/users/u-media/files')!.body).toMatchObject({ file_type: 3 })
    expect(platform.sent.at(-1)!.body).toMatchObject({ msg_type: 7, content: ' ' })
  })

  it('GIVEN an image in a guild channel THEN it goes as the image field, and a video is refused with MEDIA_NOT_SUPPORTED before any call', async () => {
    const { platform, client } = await setup()
    const event = fromBuilder(guildAtMessage({ content: '/cat' }))
    await client.reply(event, { image: 'https://example.invalid/cat.png' })
    expect(platform.sent.at(-1)!.body).toMatchObject({ image: 'https://example.invalid/cat.png' })
    const before = platform.calls.length
    await expect(client.reply(event, { video: 'https://example.invalid/v.mp4' })).rejects.toMatchObject({
      code: 'MEDIA_NOT_SUPPORTED',
    })
    expect(platform.calls.length).toBe(before)
  })
})
