import { Writable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  c2cMessage,
  groupAtMessage,
  type BuiltEvent,
  type FakePlatform,
  type FakePlatformOptions,
} from '@qqbot/fake-platform'
import type { ClientOptions } from '../client/client-options.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ReplyLimitError } from '../reply/reply-errors.js'
import { useClientOnPlatform } from '../test-client.js'
import { TestStreamClock } from '../test-stream-clock.js'
import { StreamClosedError } from './stream-errors.js'
import type { StreamOptions } from './stream-options.js'

const onPlatform = useClientOnPlatform()
let clock: TestStreamClock
afterEach(() => vi.useRealTimers())

/** Log lines the client wrote, parsed. */
function logSink(): { lines: Record<string, unknown>[]; destination: Writable } {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { lines, destination }
}

/** A client and a platform on one manual clock; `streaming` options on top of the clock. */
async function setup(
  streaming: StreamOptions = {},
  extra: { client?: Partial<ClientOptions>; indexBase?: 0 | 1; platformOptions?: FakePlatformOptions } = {},
) {
  clock = new TestStreamClock()
  const log = logSink()
  const { platform, client } = await onPlatform({
    platform: { now: () => clock.now(), streamIndexBase: extra.indexBase, ...extra.platformOptions },
    client: {
      streaming: { clock, ...streaming },
      logLevel: 'info',
      logDestination: log.destination,
      rest: { backoff: { baseMs: 1, maxMs: 2 } },
      ...extra.client,
    },
  })
  return { platform, client, log: log.lines }
}

/** Delivers `built` through the platform (so it knows the reference) and returns it as the pipeline would hand it over. */
function delivered(platform: FakePlatform, built: BuiltEvent<unknown>, receivedAt = clock.now()): DispatchedEvent {
  platform.dispatchEvent(built)
  return {
    name: built.t,
    id: built.id,
    data: built.d,
    seq: 1,
    source: 'test',
    shard: undefined,
    receivedAt,
    deliveryId: undefined,
    attempt: 1,
  }
}

const c2c = (id = 'M1') => c2cMessage({ content: 'ask', userOpenid: 'U1', id })

async function framesOf(platform: FakePlatform, count: number) {
  await vi.waitFor(() => expect(platform.streams.streams[0]?.frames.length ?? 0).toBe(count))
  return platform.streams.streams[0]!.frames
}

describe('client.stream() in C2C', () => {
  it('GIVEN updates THEN a typing indicator, then one stream: same msg_seq, index from 0, the latest full text per frame, a final frame', async () => {
    const { platform, client } = await setup()
    const stream = client.stream(delivered(platform, c2c()))
    stream.append('He')
    expect((await framesOf(platform, 1)).map((f) => f.text)).toEqual(['He'])
    stream.append('l')
    stream.append('lo')
    stream.update('Hello')
    expect(platform.streams.streams[0]!.frames).toHaveLength(1)
    await clock.advanceWhenDue(500)
    expect((await framesOf(platform, 2)).map((f) => f.text)).toEqual(['He', 'Hello'])
    const done = stream.done('Hello world')
    await clock.advanceWhenDue(500)
    const result = await done
    const [recorded] = platform.streams.streams
    expect(result).toEqual({ delivery: 'stream', text: 'Hello world', ids: [recorded!.id] })
    expect(recorded!.frames.map((f) => [f.index, f.state, f.text])).toEqual([
      [0, 1, 'He'],
      [1, 1, 'Hello'],
      [2, 10, 'Hello world'],
    ])
    expect(recorded).toMatchObject({ msgId: 'M1', finished: true, finalText: 'Hello world' })
    expect(platform.streams.typing).toMatchObject([{ target: 'U1', msgId: 'M1', inputType: 1, seconds: 60 }])
    expect(platform.streams.typing[0]!.msgSeq).not.toBe(recorded!.msgSeq)
    const streamCalls = platform.calls.filter((call) => call.path.endsWith('/stream_messages'))
    expect(new Set(streamCalls.map((call) => (call.body as { msg_seq: number }).msg_seq))).toEqual(
      new Set([recorded!.msgSeq]),
    )
    expect(streamCalls.every((call) => call.status === 200)).toBe(true)
    const typingAt = platform.calls.findIndex(
      (call) => (call.body as { msg_type?: number } | undefined)?.msg_type === 6,
    )
    expect(typingAt).toBeLessThan(platform.calls.indexOf(streamCalls[0]!))
  })

  it('GIVEN an interval under 300 ms THEN it is raised to 300 and said so: no frame before 300 ms, none refused', async () => {
    const { platform, client, log } = await setup({ intervalMs: 100, typing: false })
    expect(log.some((line) => line.level === 40 && /under the platform's 300 ms minimum/.test(String(line.msg)))).toBe(
      true,
    )
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('a')
    await framesOf(platform, 1)
    stream.update('ab')
    await vi.waitFor(() => expect(clock.pending).toBe(1))
    clock.advance(299)
    expect(platform.streams.streams[0]!.frames).toHaveLength(1)
    clock.advance(1)
    await framesOf(platform, 2)
    const done = stream.done()
    await clock.advanceWhenDue(300)
    await done
    expect(platform.calls.filter((call) => call.path.endsWith('/stream_messages')).map((call) => call.status)).toEqual([
      200, 200, 200,
    ])
  })

  it('GIVEN indexBase 1 THEN the frames count from 1 (a platform expecting 1 accepts them)', async () => {
    const { platform, client } = await setup({ indexBase: 1, typing: false }, { indexBase: 1 })
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('x')
    await framesOf(platform, 1)
    const done = stream.done('xy')
    await clock.advanceWhenDue(500)
    expect(await done).toMatchObject({ delivery: 'stream' })
    expect(platform.streams.streams[0]!.frames.map((f) => f.index)).toEqual([1, 2])
  })

  it('GIVEN the first frame fails THEN the whole text goes as one ordinary reply on done, and why is logged once at info', async () => {
    const { platform, client, log } = await setup({ typing: false })
    platform.failNext({ path: /stream_messages$/ }, { status: 500, body: { code: 500, message: 'stream down' } })
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('Hello')
    await vi.waitFor(() => expect(stream.degraded).toMatch(/refused the stream's first frame/))
    stream.append(' world')
    const result = await stream.done()
    expect(result).toMatchObject({ delivery: 'replies', text: 'Hello world', ids: [platform.sent[0]!.id] })
    expect(platform.sent.map((message) => [message.scene, message.body.content])).toEqual([['c2c', 'Hello world']])
    expect(platform.streams.streams).toHaveLength(0)
    const reasons = log.filter((line) => line.level === 30 && line.reason !== undefined)
    expect(reasons).toHaveLength(1)
    expect(String(reasons[0]!.reason)).toMatch(/stream down/)
  })

  it('GIVEN a message older than the 5 min stream window THEN it is answered with an ordinary reply (still inside the C2C reply window)', async () => {
    const { platform, client } = await setup()
    const old = delivered(platform, c2c(), clock.now())
    clock.advance(5 * 60_000 + 1)
    const stream = client.stream(old)
    stream.update('late answer')
    expect(stream.degraded).toMatch(/under 300 s old/)
    expect(await stream.done()).toMatchObject({ delivery: 'replies' })
    expect(platform.sent.map((message) => message.body.content)).toEqual(['late answer'])
    expect(platform.streams.streams).toHaveLength(0)
    expect(platform.streams.typing).toHaveLength(0)
  })

  it('GIVEN a stream THEN its msg_seq and the typing one count against the reply budget of the message', async () => {
    const { platform, client } = await setup()
    const event = delivered(platform, c2c())
    const stream = client.stream(event)
    await client.reply(event, 'one')
    await client.reply(event, 'two')
    await expect(client.reply(event, 'three')).rejects.toBeInstanceOf(ReplyLimitError)
    stream.update('x')
    const done = stream.done()
    expect(await done).toMatchObject({ delivery: 'stream' })
  })

  it('GIVEN cancel() after a frame THEN the stream closes with the text already shown, and later updates throw', async () => {
    const { platform, client } = await setup({ typing: false })
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('shown')
    await framesOf(platform, 1)
    stream.update('shown and more')
    const cancelled = stream.cancel()
    await clock.advanceWhenDue(500)
    expect(await cancelled).toMatchObject({ delivery: 'stream', text: 'shown', cancelled: true })
    expect(platform.streams.finished[0]!.finalText).toBe('shown')
    expect(() => stream.append('!')).toThrow(StreamClosedError)
  })

  it('GIVEN client.stop() mid-stream THEN the open stream is finished with its text before the client closes', async () => {
    const { platform, client } = await setup({ typing: false })
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('partial')
    await framesOf(platform, 1)
    stream.update('partial answer')
    const stopping = client.stop()
    await clock.advanceWhenDue(500)
    await stopping
    expect(platform.streams.finished.map((s) => s.finalText)).toEqual(['partial answer'])
    expect(stream.open).toBe(false)
  })
})

describe("client.stream() over the older stream field (streaming.wire: 'stream-field')", () => {
  it.each([1, 0] as const)(
    'GIVEN a platform whose first stream.index is %i THEN one stream: index up by one, the same msg_seq, a final frame',
    async (base) => {
      const { platform, client } = await setup(
        { wire: 'stream-field', typing: false, indexBase: base },
        { platformOptions: { streamField: { indexBase: base } } },
      )
      const stream = client.stream(delivered(platform, c2c()))
      stream.update('Hel')
      await framesOf(platform, 1)
      stream.update('Hello')
      await clock.advanceWhenDue(500)
      await framesOf(platform, 2)
      const done = stream.done('Hello world')
      await clock.advanceWhenDue(500)

      const result = await done
      const [recorded] = platform.streams.streams
      expect(recorded).toMatchObject({ form: 'stream-field', finished: true, finalText: 'Hello world' })
      expect(recorded!.frames.map((f) => [f.index, f.state])).toEqual([
        [base, 1],
        [base + 1, 1],
        [base + 2, 10],
      ])
      expect(result).toEqual({ delivery: 'stream', text: 'Hello world', ids: [recorded!.id] })
      expect(platform.sent.map((m) => m.body.content)).toEqual(['Hello world'])
    },
  )

  it('GIVEN a platform that appends (streamFieldMode append) THEN frames carry what was added, a rewrite resets, and the text ends whole', async () => {
    const { platform, client } = await setup(
      { wire: 'stream-field', typing: false, streamFieldMode: 'append' },
      { platformOptions: { streamField: { mode: 'append' } } },
    )
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('Hel')
    await framesOf(platform, 1)
    stream.update('Hello')
    await clock.advanceWhenDue(500)
    await framesOf(platform, 2)
    stream.update('Help')
    await clock.advanceWhenDue(500)
    await framesOf(platform, 3)
    const done = stream.done('Help me')
    await clock.advanceWhenDue(500)
    await done

    const sent = platform.calls
      .filter((call) => call.path === '/v2/users/U1/messages')
      .map((call) => call.body as { content: string; stream: Record<string, unknown> })
    expect(sent.map((body) => [body.content, body.stream.index, body.stream.reset])).toEqual([
      ['Hel', 1, undefined],
      ['lo', 2, undefined],
      ['Help', 0, true],
      [' me', 1, undefined],
    ])
    expect(platform.streams.streams[0]!.frames.map((f) => f.text)).toEqual(['Hel', 'Hello', 'Help', 'Help me'])
    expect(platform.sent.map((m) => m.body.content)).toEqual(['Help me'])
  })

  it('GIVEN the default index base THEN the first frame carries stream.index 1, as the platform expects by default', async () => {
    const { platform, client } = await setup({ wire: 'stream-field', typing: false })
    const stream = client.stream(delivered(platform, c2c()))
    const done = stream.done('one frame')
    expect(await done).toMatchObject({ delivery: 'stream' })
    expect(platform.streams.streams[0]!.frames.map((f) => f.index)).toEqual([1])
  })
})

describe('client.stop() with open streams', () => {
  it('GIVEN a stream that cannot finish within stopTimeoutMs THEN stop() gives up on it after that time and says so', async () => {
    const { platform, client, log } = await setup({ typing: false, stopTimeoutMs: 100 })
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('first')
    await framesOf(platform, 1)
    stream.update('first and more')
    const stopping = client.stop()
    // The final frame waits 500 ms for its turn; the 100 ms bound comes first.
    await clock.advanceWhenDue(100)
    await stopping
    expect(
      log.some((line) => line.level === 40 && /1 streamed replies unfinished after 100 ms/.test(String(line.msg))),
    ).toBe(true)
    expect(platform.streams.finished).toHaveLength(0)
    expect(stream.open).toBe(false)
  })
})

describe('client.stream() where the platform cannot stream', () => {
  it('GIVEN a group message THEN no frame or typing goes out, and done sends the whole text as one ordinary reply', async () => {
    const { platform, client, log } = await setup()
    const stream = client.stream(delivered(platform, groupAtMessage({ content: 'ask', groupOpenid: 'G1', id: 'GM1' })))
    stream.append('Hello')
    stream.append(' group')
    expect(stream.degraded).toMatch(/only in C2C/)
    const result = await stream.done()
    expect(result).toMatchObject({ delivery: 'replies', text: 'Hello group' })
    expect(platform.sent.map((message) => [message.scene, message.body.content])).toEqual([['group', 'Hello group']])
    expect(platform.calls.some((call) => call.path.includes('stream_messages'))).toBe(false)
    expect(platform.streams.typing).toHaveLength(0)
    expect(log.filter((line) => line.level === 30 && line.reason !== undefined)).toHaveLength(1)
  })

  it('GIVEN a text longer than maxReplyChars THEN it is split, into at most the reply budget, the last part marked cut', async () => {
    const { platform, client } = await setup({ maxReplyChars: 10 })
    const stream = client.stream(delivered(platform, groupAtMessage({ content: 'ask', groupOpenid: 'G1', id: 'GM1' })))
    const words = Array.from({ length: 20 }, (_, i) => `w${i}`).join(' ')
    const result = await stream.done(words)
    const parts = platform.sent.map((message) => message.body.content as string)
    expect(parts).toHaveLength(5)
    expect(parts.every((part) => part.length <= 10)).toBe(true)
    expect(parts[0]).toBe('w0 w1 w2')
    expect(parts.at(-1)).toMatch(/…$/)
    expect(result.ids).toHaveLength(5)
  })
})

describe('the typing indicator of a C2C stream', () => {
  const typingKinds = (platform: FakePlatform) => platform.streams.typing.map((typing) => typing.inputType)

  it('GIVEN a first frame later than the indicator lasts THEN it is renewed 5 s before it lapses, once by default, and counted', async () => {
    const { platform, client } = await setup({ typingSeconds: 10 })
    const stream = client.stream(delivered(platform, c2c()))
    await vi.waitFor(() => expect(platform.streams.typing).toHaveLength(1))

    await clock.advanceWhenDue(5_000)
    await vi.waitFor(() => expect(platform.streams.typing).toHaveLength(2))
    const [first, renewal] = platform.streams.typing
    expect(renewal!.at - first!.at).toBe(5_000)
    expect(renewal!.msgSeq).not.toBe(first!.msgSeq)
    // The default is one renewal: no timer is left for another.
    expect(clock.pending).toBe(0)

    stream.update('at last')
    await framesOf(platform, 1)
    const done = stream.done()
    await clock.advanceWhenDue(500)
    await done
    expect(typingKinds(platform)).toEqual([1, 1])
    expect(client.metrics().counters.stream_typing).toEqual({ 'kind="start"': 1, 'kind="renew"': 1 })
  })

  it('GIVEN a first frame in time THEN it stops the renewals', async () => {
    const { platform, client } = await setup({ typingSeconds: 10, typingRenewals: 3 })
    const stream = client.stream(delivered(platform, c2c()))
    stream.update('quick')
    await framesOf(platform, 1)

    expect(clock.pending).toBe(0)
    expect(platform.streams.typing).toHaveLength(1)
    const done = stream.done('quick!')
    await clock.advanceWhenDue(500)
    await done
  })

  it('GIVEN renewals allowed beyond the budget THEN the last reply of the budget is kept: the stream, two indicators, one reply left', async () => {
    const { platform, client } = await setup({ typingSeconds: 10, typingRenewals: 5 })
    const event = delivered(platform, c2c())
    const stream = client.stream(event)
    await clock.advanceWhenDue(5_000)
    await vi.waitFor(() => expect(platform.streams.typing).toHaveLength(2))
    await clock.advanceWhenDue(5_000)
    await vi.waitFor(() => expect(clock.pending).toBe(0))

    expect(platform.streams.typing).toHaveLength(2)
    // The fourth reply of the C2C budget is still there for the answer.
    stream.update('the answer')
    await framesOf(platform, 1)
    const done = stream.done()
    await clock.advanceWhenDue(500)
    await done
    expect((await client.reply(event, 'and one more')).id).toBeDefined()
  })

  it('GIVEN cancel() before any frame THEN the indicator is taken down (input_type 2) and nothing else is sent', async () => {
    const { platform, client } = await setup()
    const stream = client.stream(delivered(platform, c2c()))
    await vi.waitFor(() => expect(platform.streams.typing).toHaveLength(1))

    const result = await stream.cancel()

    expect(result).toMatchObject({ cancelled: true, text: '', ids: [] })
    expect(typingKinds(platform)).toEqual([1, 2])
    expect(platform.streams.typing[1]!.seconds).toBeUndefined()
    expect(platform.streams.streams).toHaveLength(0)
    expect(clock.pending).toBe(0)
    expect(client.metrics().counters.stream_typing).toEqual({ 'kind="start"': 1, 'kind="cancel"': 1 })
  })

  it('GIVEN done() with no text THEN the indicator is taken down too', async () => {
    const { platform, client } = await setup()
    const stream = client.stream(delivered(platform, c2c()))
    await stream.done()
    expect(typingKinds(platform)).toEqual([1, 2])
  })
})

describe('stream metrics', () => {
  it('GIVEN a streamed C2C answer, a group stream and a refused first frame THEN frames sent and degraded streams are counted by reason', async () => {
    const { platform, client } = await setup({ typing: false })
    const streamed = client.stream(delivered(platform, c2c('M1')))
    streamed.update('one')
    await framesOf(platform, 1)
    const done = streamed.done('one two')
    await clock.advanceWhenDue(500)
    await done
    await client.stream(delivered(platform, groupAtMessage({ content: 'hi', groupOpenid: 'G1' }))).done('in a group')
    platform.failNext({ path: /stream_messages$/ }, { status: 500, body: { code: 500, message: 'stream down' } })
    const refused = client.stream(delivered(platform, c2c('M2')))
    refused.update('x')
    await vi.waitFor(() => expect(refused.degraded).toBeDefined())
    await refused.done()

    const { counters } = client.metrics()
    expect(counters.stream_frames_sent).toEqual({ 'wire="stream_messages"': 2 })
    expect(counters.streams_degraded).toEqual({ 'reason="scene"': 1, 'reason="first-frame-refused"': 1 })
  })
})
