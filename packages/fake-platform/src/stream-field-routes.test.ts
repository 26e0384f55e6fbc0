import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from './index.js'
import { restCaller } from './test-rest-caller.js'

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

async function start(options?: FakePlatformOptions) {
  platform = await startFakePlatform(options)
  const api = restCaller(platform)
  /** One frame of the older form to user U1, answering M1 with msg_seq 1. */
  const frame = (stream: Record<string, unknown>, content: string, extra: Record<string, unknown> = {}) =>
    api('POST', '/v2/users/U1/messages', { msg_type: 0, content, msg_id: 'M1', msg_seq: 1, stream, ...extra })
  return { platform, frame }
}

describe('the older stream field on the fake platform (protocol §1B)', () => {
  it('GIVEN frames from index 1 with the id of the first THEN one stream, the last text recorded once finished', async () => {
    const { platform, frame } = await start()
    const first = await frame({ state: 1, index: 1 }, 'He')
    const id = first.body!.id
    expect((await frame({ state: 1, index: 2, id }, 'Hello')).status).toBe(200)
    expect((await frame({ state: 10, index: 3, id }, 'Hello!')).status).toBe(200)

    expect(platform.streams.streams).toHaveLength(1)
    expect(platform.streams.streams[0]).toMatchObject({ form: 'stream-field', finished: true, finalText: 'Hello!' })
    expect(platform.sent.map((m) => m.body.content)).toEqual(['Hello!'])
  })

  it.each([
    ['a first index of 0 (the platform counts from 1 by default)', [[{ state: 1, index: 0 }, 'a']]],
    [
      'an index that skips one',
      [
        [{ state: 1, index: 1 }, 'a'],
        [{ state: 1, index: 3 }, 'ab'],
      ],
    ],
    [
      'a frame after the final one',
      [
        [{ state: 10, index: 1 }, 'a'],
        [{ state: 1, index: 2 }, 'ab'],
      ],
    ],
    [
      'a reset after the final one',
      [
        [{ state: 10, index: 1 }, 'a'],
        [{ state: 1, index: 0, reset: true }, 'b'],
      ],
    ],
    ['a reset without the id', [[{ state: 1, index: 0, reset: true }, 'a']]],
    ['a state of 2', [[{ state: 2, index: 1 }, 'a']]],
  ] as const)('refuses %s with 40011000', async (_what, frames) => {
    const { frame } = await start()
    let id: unknown
    let last: Awaited<ReturnType<typeof frame>> | undefined
    for (const [stream, content] of frames) {
      // Every frame after the first names the stream by the id the first was answered with.
      last = await frame(id === undefined ? stream : { ...stream, id }, content)
      id ??= last.body?.id
    }
    expect(last).toMatchObject({ status: 400, body: { code: 40011000 } })
  })

  it('GIVEN a later frame with another msg_seq THEN refused: every frame of a stream keeps msg_id and msg_seq', async () => {
    const { frame } = await start()
    const id = (await frame({ state: 1, index: 1 }, 'a')).body!.id
    expect((await frame({ state: 1, index: 2, id }, 'ab', { msg_seq: 2 })).body).toMatchObject({ code: 40011000 })
  })

  it('GIVEN a reset THEN index restarts at 0 and the text is replaced', async () => {
    const { platform, frame } = await start()
    const id = (await frame({ state: 1, index: 1 }, 'wrong start')).body!.id
    expect((await frame({ state: 1, index: 0, id, reset: true }, 'Right')).status).toBe(200)
    expect((await frame({ state: 10, index: 1, id }, 'Right!')).status).toBe(200)
    expect(platform.streams.streams[0]!.frames.map((f) => [f.index, f.text])).toEqual([
      [1, 'wrong start'],
      [0, 'Right'],
      [1, 'Right!'],
    ])
  })

  it('GIVEN append mode (one report s reading) THEN each frame adds to the text; a reset replaces it', async () => {
    const { platform, frame } = await start({ streamField: { mode: 'append', indexBase: 0 } })
    const id = (await frame({ state: 1, index: 0 }, 'Hel')).body!.id
    await frame({ state: 1, index: 1, id }, 'lo')
    await frame({ state: 10, index: 2, id }, ' world\n')
    expect(platform.streams.streams[0]!.finalText).toBe('Hello world\n')
    expect(platform.sent[0]!.body.content).toBe('Hello world\n')
  })

  it('GIVEN a guide message (states 11 and 20) THEN accepted: 20 ends the stream', async () => {
    const { platform, frame } = await start()
    const id = (await frame({ state: 11, index: 1 }, 'thinking')).body!.id
    expect((await frame({ state: 20, index: 2, id }, 'done')).status).toBe(200)
    expect(platform.streams.streams[0]!.finished).toBe(true)
  })
})
