import { afterEach, describe, expect, it } from 'vitest'
import { RECALL_REFUSAL_CODES, RECALL_WINDOW_MS, startFakePlatform, type FakePlatform } from './index.js'
import { restCaller } from './test-rest-caller.js'

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

async function start() {
  let now = 1_000_000
  platform = await startFakePlatform({ now: () => now })
  return { api: restCaller(platform), advance: (ms: number) => void (now += ms) }
}

const send = { content: 'hi', msg_type: 0, msg_id: 'M1', msg_seq: 1 }

describe('recall on the fake platform', () => {
  it.each([
    ['group', '/v2/groups/G1/messages'],
    ['c2c', '/v2/users/U1/messages'],
  ])('GIVEN a %s message the bot sent THEN it can be recalled once, within 2 minutes', async (_scene, path) => {
    const { api, advance } = await start()
    const first = await api('POST', path, send)
    const second = await api('POST', path, { ...send, msg_seq: 2 })
    advance(RECALL_WINDOW_MS)

    expect((await api('DELETE', `${path}/${String(first.body!.id)}`)).status).toBe(200)
    expect((await api('DELETE', `${path}/${String(first.body!.id)}`)).body).toMatchObject({
      code: RECALL_REFUSAL_CODES.notOwn,
    })
    advance(1)
    const late = await api('DELETE', `${path}/${String(second.body!.id)}`)
    expect(late).toMatchObject({ status: 400, body: { code: RECALL_REFUSAL_CODES.tooLate } })
  })

  it("GIVEN an id the bot did not send to that chat (a user's, another group's) THEN refused as not its own", async () => {
    const { api } = await start()
    const sent = await api('POST', '/v2/groups/G1/messages', send)

    expect((await api('DELETE', '/v2/groups/G1/messages/USER-MESSAGE')).body).toMatchObject({
      code: RECALL_REFUSAL_CODES.notOwn,
    })
    expect((await api('DELETE', `/v2/groups/G2/messages/${String(sent.body!.id)}`)).body).toMatchObject({
      code: RECALL_REFUSAL_CODES.notOwn,
    })
  })

  it('GIVEN a guild channel message THEN recall is accepted whatever its age (no window documented there)', async () => {
    const { api, advance } = await start()
    const sent = await api('POST', '/channels/channel-1/messages', { content: 'hi', msg_id: 'M1' })
    advance(10 * RECALL_WINDOW_MS)
    expect((await api('DELETE', `/channels/channel-1/messages/${String(sent.body!.id)}`)).status).toBe(200)
  })
})
