import { describe, expect, it } from 'vitest'
import { c2cMessage, groupAtMessage, type BuiltEvent, type FakePlatform } from '@qqbot/fake-platform'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ApiError } from '../rest/api-error.js'
import { useClientOnPlatform } from '../test-client.js'
import { RECALL_WINDOW_MS } from './message-recaller.js'
import { RecallNotOwnMessageError, RecallTargetMissingError, RecallWindowClosedError } from './recall-errors.js'

const onPlatform = useClientOnPlatform()

/** A platform whose clock the test moves forward (recalls are timed on it). */
async function setup() {
  let offsetMs = 0
  const { platform, client } = await onPlatform({ platform: { now: () => Date.now() + offsetMs } })
  return { platform, client, advancePlatform: (ms: number) => void (offsetMs += ms) }
}

function delivered(platform: FakePlatform, built: BuiltEvent<unknown>): DispatchedEvent {
  platform.dispatchEvent(built)
  const base = { seq: 1, source: 'test', shard: undefined, deliveryId: undefined, attempt: 1 }
  return { name: built.t, id: built.id, data: built.d, receivedAt: Date.now(), ...base }
}

const deletes = (platform: FakePlatform) => platform.calls.filter((call) => call.method === 'DELETE')

describe('client.recall()', () => {
  it('GIVEN a group reply and a C2C reply THEN recalling what each resolved with deletes that message', async () => {
    const { platform, client } = await setup()
    const group = await client.reply(delivered(platform, groupAtMessage({ content: 'hi', groupOpenid: 'G1' })), 'a')
    const c2c = await client.reply(delivered(platform, c2cMessage({ content: 'hi', userOpenid: 'U1' })), 'b')
    expect(group.sent).toMatchObject({ scene: 'group', targetId: 'G1', id: group.id })
    expect(c2c.sent).toMatchObject({ scene: 'c2c', targetId: 'U1', id: c2c.id })

    await client.recall(group)
    await client.recall(c2c)

    expect(deletes(platform).map((call) => [call.path, call.status])).toEqual([
      [`/v2/groups/G1/messages/${group.id}`, 200],
      [`/v2/users/U1/messages/${c2c.id}`, 200],
    ])
  })

  it('GIVEN a reply sent more than 2 min ago THEN the recall rejects with RecallWindowClosedError before any call', async () => {
    const { platform, client } = await setup()
    const sent = await client.reply(delivered(platform, groupAtMessage({ content: 'hi', groupOpenid: 'G1' })), 'a')
    const old = { ...sent.sent!, sentAt: Date.now() - RECALL_WINDOW_MS - 1000 }

    const error = await client.recall(old).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(RecallWindowClosedError)
    expect(error).toMatchObject({ code: 'RECALL_WINDOW_CLOSED' })
    expect((error as Error).message).toMatch(/120 s after sending, and this one was sent 121 s ago/)
    expect(deletes(platform)).toEqual([])
  })

  it('GIVEN no send time and a platform past the window THEN its refusal becomes RecallWindowClosedError', async () => {
    const { platform, client, advancePlatform } = await setup()
    const sent = await client.reply(delivered(platform, c2cMessage({ content: 'hi', userOpenid: 'U1' })), 'a')
    advancePlatform(RECALL_WINDOW_MS + 1000)

    const error = await client.recall({ scene: 'c2c', targetId: 'U1', id: sent.id! }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(RecallWindowClosedError)
    expect((error as Error).cause).toBeInstanceOf(ApiError)
    expect(deletes(platform)).toHaveLength(1)
  })

  it("GIVEN a user's message id, or one already recalled THEN RecallNotOwnMessageError", async () => {
    const { platform, client } = await setup()
    const event = delivered(platform, groupAtMessage({ content: 'hi', groupOpenid: 'G1', id: 'USER-MSG' }))
    const sent = await client.reply(event, 'a')
    await client.recall(sent)

    for (const id of ['USER-MSG', sent.id!]) {
      const error = await client.recall({ scene: 'group', targetId: 'G1', id }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RecallNotOwnMessageError)
      expect((error as Error).message).toMatch(/only messages it sent itself/)
    }
  })

  it('GIVEN a result that names no sent message THEN RecallTargetMissingError, before any call', async () => {
    const { platform, client } = await setup()

    await expect(client.recall({ alreadySent: true })).rejects.toThrow(RecallTargetMissingError)
    await expect(client.recall({ audit_id: 'A1' })).rejects.toThrow(/held for review \(audit A1\)/)
    expect(deletes(platform)).toEqual([])
  })
})
