import { afterEach, describe, expect, it } from 'vitest'
import { GROUP_REFUSAL_CODES, startFakePlatform, type FakePlatform } from './index.js'
import { restCaller } from './test-rest-caller.js'

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

async function start() {
  platform = await startFakePlatform()
  return { api: restCaller(platform), platform }
}

describe('group management on the fake platform', () => {
  it('GIVEN a batch remove of 21 members THEN 40011000, and nobody is removed', async () => {
    const { api, platform } = await start()
    const ids = Array.from({ length: 21 }, (_, i) => `M${i}`)
    const group = platform.groups.seed('G1', { members: ids })

    const answer = await api('POST', '/v2/groups/G1/batch_remove_members', { member_openids: ids })

    expect(answer).toMatchObject({ status: 400, body: { code: 40011000 } })
    expect(group.members.size).toBe(21)
  })

  it('GIVEN an approval in upper case (one source s reading) THEN accepted; a wrong join_request_id gets 11004', async () => {
    const { api, platform } = await start()
    const group = platform.groups.seed('G1', { joinRequests: ['A', 'B'] })
    const idA = group.joinRequests.get('A')!.join_request_id

    const wrong = await api('POST', '/v2/groups/G1/approval_join_request/B', { op: 'approve', join_request_id: idA })
    const upper = await api('POST', '/v2/groups/G1/approval_join_request/A', { op: 'APPROVE', join_request_id: idA })

    expect(wrong.body).toMatchObject({ code: GROUP_REFUSAL_CODES.staleJoinRequest })
    expect(upper.status).toBe(200)
    expect([...group.members.keys()]).toEqual(['A'])
  })

  it('GIVEN a group the bot is not in THEN refused with notInGroup', async () => {
    const { api } = await start()
    expect((await api('GET', '/v2/groups/NOPE/members')).body).toMatchObject({ code: GROUP_REFUSAL_CODES.notInGroup })
  })
})
