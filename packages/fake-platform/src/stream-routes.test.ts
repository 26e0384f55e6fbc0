import { afterEach, describe, expect, it } from 'vitest'
import { c2cMessage, startFakePlatform, type FakePlatform, type FakePlatformOptions } from './index.js'

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

const USER = 'USER_1'
const STREAM_PATH = `/v2/users/${USER}/stream_messages`

interface Answer {
  status: number
  body: Record<string, unknown>
}

/** A platform on a clock the test moves, with the inbound C2C message `M1` delivered to the bot. */
async function start(options: FakePlatformOptions = {}) {
  const clock = { now: 1_700_000_000_000 }
  platform = await startFakePlatform({ now: () => clock.now, ...options })
  const p = platform
  p.dispatchEvent(c2cMessage({ content: 'hi', userOpenid: USER, id: 'M1' }))
  const token = p.issueToken().access_token
  const post = async (path: string, body: unknown): Promise<Answer> => {
    const res = await fetch(`${p.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `QQBot ${token}`, 'X-Union-Appid': p.appId, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  return { p, clock, post }
}

/** A frame of the stream answering `M1` with msg_seq 1. */
function frame(index: number, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    input_mode: 'replace',
    input_state: 1,
    content_type: 'markdown',
    content_raw: text,
    msg_id: 'M1',
    msg_seq: 1,
    index,
    ...extra,
  }
}

/** Opens a stream with its first frame and moves the clock past the spacing; returns its stream_msg_id. */
async function open(post: (path: string, body: unknown) => Promise<Answer>, clock: { now: number }): Promise<string> {
  const first = await post(STREAM_PATH, frame(0, 'He'))
  expect(first.status).toBe(200)
  clock.now += 300
  return first.body.id as string
}

describe('stream_messages in the fake platform', () => {
  it('GIVEN frames that keep every rule THEN the stream is recorded with its frames and final text, and counts as a sent message', async () => {
    const { p, clock, post } = await start()
    const id = await open(post, clock)
    expect(typeof id).toBe('string')
    expect((await post(STREAM_PATH, frame(1, 'Hello', { stream_msg_id: id }))).status).toBe(200)
    clock.now += 500
    const last = await post(STREAM_PATH, frame(2, 'Hello world', { stream_msg_id: id, input_state: 10 }))
    expect(last).toMatchObject({ status: 200, body: { id } })
    expect(p.streams.streams).toHaveLength(1)
    const [stream] = p.streams.streams
    expect(stream).toMatchObject({ target: USER, id, msgId: 'M1', msgSeq: 1, finished: true, finalText: 'Hello world' })
    expect(stream!.frames.map((f) => [f.index, f.state, f.text])).toEqual([
      [0, 1, 'He'],
      [1, 1, 'Hello'],
      [2, 10, 'Hello world'],
    ])
    expect(p.sent).toMatchObject([{ scene: 'c2c', target: USER, id, body: { content_raw: 'Hello world' } }])
  })

  it('GIVEN no msg_id THEN HTTP 500 like the live server, and nothing is recorded', async () => {
    const { p, post } = await start()
    const answer = await post(STREAM_PATH, { ...frame(0, 'x'), msg_id: undefined })
    expect(answer.status).toBe(500)
    expect(answer.body.message).toMatch(/msg_id is required/)
    expect(p.streams.streams).toHaveLength(0)
  })

  it('GIVEN an inbound message older than 5 min THEN the stream is refused (304027), though the 60 min C2C reply window is open', async () => {
    const { p, clock, post } = await start()
    clock.now += 5 * 60_000 + 1
    const answer = await post(STREAM_PATH, frame(0, 'late'))
    expect(answer).toMatchObject({ status: 400, body: { code: 304027 } })
    expect(answer.body.message).toMatch(/streams in c2c must come within 5 min/)
    const reply = await post(`/v2/users/${USER}/messages`, { content: 'ok', msg_type: 0, msg_id: 'M1', msg_seq: 1 })
    expect(reply.status).toBe(200)
    expect(p.streams.streams).toHaveLength(0)
  })

  it('GIVEN a msg_id of another chat THEN the stream is refused (304026)', async () => {
    const { post } = await start()
    const answer = await post('/v2/users/SOMEONE_ELSE/stream_messages', frame(0, 'x'))
    expect(answer).toMatchObject({ status: 400, body: { code: 304026 } })
  })

  it('GIVEN a frame with another msg_seq than the first THEN it is refused', async () => {
    const { post, clock } = await start()
    const id = await open(post, clock)
    const answer = await post(STREAM_PATH, frame(1, 'Hello', { stream_msg_id: id, msg_seq: 2 }))
    expect(answer).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect(answer.body.message).toMatch(/carries msg_seq 1; got 2/)
  })

  it('GIVEN a second stream reusing the msg_seq of the first (or of a reply) THEN it is refused with 40054005', async () => {
    const { post, clock } = await start()
    await open(post, clock)
    const again = await post(STREAM_PATH, frame(0, 'again'))
    expect(again).toMatchObject({ status: 400, body: { code: 40054005 } })
    expect(again.body.message).toMatch(/each stream needs a fresh msg_seq/)
    expect((await post(STREAM_PATH, frame(0, 'fresh', { msg_seq: 2 }))).status).toBe(200)
  })

  it('GIVEN the reply budget is spent THEN a new stream is refused with 22009', async () => {
    const { post } = await start({ replyBudget: { c2c: 1 } })
    expect((await post(STREAM_PATH, frame(0, 'one'))).status).toBe(200)
    expect(await post(STREAM_PATH, frame(0, 'two', { msg_seq: 2 }))).toMatchObject({ body: { code: 22009 } })
  })

  it('GIVEN a first index other than the base, or an index that skips or repeats THEN the frame is refused', async () => {
    const { post, clock } = await start()
    const wrongStart = await post(STREAM_PATH, frame(1, 'x'))
    expect(wrongStart.body.message).toMatch(/first frame of a stream has index 0; got 1/)
    const id = await open(post, clock)
    for (const index of [0, 2]) {
      const answer = await post(STREAM_PATH, frame(index, 'Hello', { stream_msg_id: id }))
      expect(answer).toMatchObject({ status: 400, body: { code: 40011000 } })
      expect(answer.body.message).toMatch(/index must be 1/)
    }
  })

  it('GIVEN streamIndexBase 1 THEN the first frame must carry index 1', async () => {
    const { post } = await start({ streamIndexBase: 1 })
    expect((await post(STREAM_PATH, frame(0, 'x'))).status).toBe(400)
    expect((await post(STREAM_PATH, frame(1, 'x'))).status).toBe(200)
  })

  it('GIVEN a stream_msg_id that names no stream, or another user s stream THEN the frame is refused', async () => {
    const { post, clock } = await start()
    const id = await open(post, clock)
    const unknown = await post(STREAM_PATH, frame(1, 'x', { stream_msg_id: 'nope' }))
    expect(unknown.body.message).toMatch(/names no stream/)
    const otherUser = await post('/v2/users/OTHER/stream_messages', frame(1, 'x', { stream_msg_id: id }))
    expect(otherUser.status).toBe(400)
  })

  it('GIVEN two frames less than 300 ms apart THEN the second is refused; at 300 ms it is accepted', async () => {
    const { post, clock } = await start()
    const first = await post(STREAM_PATH, frame(0, 'He'))
    const id = first.body.id as string
    clock.now += 299
    const early = await post(STREAM_PATH, frame(1, 'Hel', { stream_msg_id: id }))
    expect(early).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect(early.body.message).toMatch(/at least 300 ms apart; this one came 299 ms after the last/)
    clock.now += 1
    expect((await post(STREAM_PATH, frame(1, 'Hel', { stream_msg_id: id }))).status).toBe(200)
  })

  it('GIVEN a finished stream THEN any later frame is refused (exactly one final frame)', async () => {
    const { p, post, clock } = await start()
    const id = await open(post, clock)
    expect((await post(STREAM_PATH, frame(1, 'Hello', { stream_msg_id: id, input_state: 10 }))).status).toBe(200)
    clock.now += 1000
    for (const state of [1, 10]) {
      const answer = await post(STREAM_PATH, frame(2, 'more', { stream_msg_id: id, input_state: state }))
      expect(answer.body.message).toMatch(/already finished/)
    }
    expect(p.streams.finished).toHaveLength(1)
    expect(p.streams.streams[0]!.frames).toHaveLength(2)
  })

  it('GIVEN a malformed frame (input_mode, input_state, empty text) THEN it is refused with why', async () => {
    const { post } = await start()
    expect((await post(STREAM_PATH, frame(0, 'x', { input_mode: 'append' }))).body.message).toMatch(/input_mode/)
    expect((await post(STREAM_PATH, frame(0, 'x', { input_state: 2 }))).body.message).toMatch(/input_state/)
    expect((await post(STREAM_PATH, frame(0, ''))).body).toMatchObject({ code: 50006 })
  })
})

describe('the typing indicator (msg_type 6)', () => {
  const path = `/v2/users/${USER}/messages`

  it('GIVEN a valid input_notify THEN it is accepted, recorded apart from messages, and spends a msg_seq', async () => {
    const { p, post } = await start()
    const body = { msg_type: 6, input_notify: { input_type: 1, input_second: 60 }, msg_id: 'M1', msg_seq: 1 }
    expect((await post(path, body)).status).toBe(200)
    expect(p.streams.typing).toMatchObject([{ target: USER, msgId: 'M1', msgSeq: 1, inputType: 1, seconds: 60 }])
    expect(p.sent).toHaveLength(0)
    expect((await post(path, body)).body).toMatchObject({ code: 40054005 })
  })

  it('GIVEN input_notify missing or out of range THEN 50059 input type err', async () => {
    const { p, post } = await start()
    for (const inputNotify of [undefined, { input_type: 9 }, { input_type: 1, input_second: 61 }, 'typing']) {
      const answer = await post(path, { msg_type: 6, input_notify: inputNotify, msg_id: 'M1', msg_seq: 1 })
      expect(answer).toMatchObject({ status: 400, body: { code: 50059 } })
    }
    expect(p.streams.typing).toHaveLength(0)
  })
})
