import { describe, expect, it } from 'vitest'
import { GROUP_MEMBERS_PER_PAGE } from '@qqbot/fake-platform'
import { ApiError } from '../rest/api-error.js'
import { useClientOnPlatform } from '../test-client.js'
import { GroupAdminRequiredError, GroupApiNotGrantedError, GroupRequestInvalidError } from './group-errors.js'

const onPlatform = useClientOnPlatform()
const openids = (count: number, prefix = 'M') => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`)

describe('client.api.groups', () => {
  it('GIVEN 70 members THEN members() pages by cursor and allMembers() gathers all 70 in order', async () => {
    const { platform, client } = await onPlatform()
    platform.groups.seed('G1', { members: openids(70) })

    const first = await client.api.groups.members('G1')
    const all = await client.api.groups.allMembers('G1')

    expect(first.members).toHaveLength(GROUP_MEMBERS_PER_PAGE)
    expect(first.next_cursor).not.toBe('')
    expect(all.map((member) => member.member_openid)).toEqual(openids(70))
  })

  it('GIVEN the older POST form THEN membersByIndex() pages with start_index and next_index', async () => {
    const { platform, client } = await onPlatform()
    platform.groups.seed('G1', { members: openids(5) })

    const page = await client.api.groups.membersByIndex('G1', { limit: 3 })
    const rest = await client.api.groups.membersByIndex('G1', { limit: 3, start_index: page.next_index })

    expect([...page.members, ...rest.members].map((member) => member.member_openid)).toEqual(openids(5))
    expect(rest.next_index).toBe(5)
  })

  it('GIVEN join requests THEN the list shows them; approve lets one in, decline with blacklist turns one away', async () => {
    const { platform, client } = await onPlatform()
    const group = platform.groups.seed('G1', { joinRequests: ['A', 'B'] })

    const { join_requests: pending } = await client.api.groups.joinRequests('G1', { limit: 10 })
    const idOf = (openid: string) => pending.find((request) => request.member_openid === openid)!.join_request_id
    await client.api.groups.approveJoinRequest('G1', 'A', idOf('A'))
    await client.api.groups.declineJoinRequest('G1', 'B', idOf('B'), { reason: 'spam', blacklist: true })

    expect(pending.map((request) => request.member_openid)).toEqual(['A', 'B'])
    expect([...group.members.keys()]).toEqual(['A'])
    expect([...group.blacklist]).toEqual(['B'])
    expect(platform.calls.find((call) => call.path.endsWith('/approval_join_request/B'))?.body).toEqual({
      op: 'decline',
      join_request_id: idOf('B'),
      reject_reason: 'spam',
      add_to_member_blacklist: true,
    })
    // A request answered already is stale: the platform's 11004 stays an ApiError.
    await expect(client.api.groups.approveJoinRequest('G1', 'A', idOf('A'))).rejects.toSatisfy(
      (error) => error instanceof ApiError && error.is(11004),
    )
  })

  it('GIVEN 3 of 4 members removed with blacklist THEN one member is left and the three are blacklisted', async () => {
    const { platform, client } = await onPlatform()
    const group = platform.groups.seed('G1', { members: openids(4) })

    await client.api.groups.removeMembers('G1', ['M1', 'M2', 'M3'], { blacklist: true })

    expect([...group.members.keys()]).toEqual(['M4'])
    expect([...group.blacklist]).toEqual(['M1', 'M2', 'M3'])
  })

  it('GIVEN 21 members, or none, to remove, or a page of 51 requests THEN GroupRequestInvalidError before any call', async () => {
    const { platform, client } = await onPlatform()
    platform.groups.seed('G1', { members: openids(30) })

    await expect(client.api.groups.removeMembers('G1', openids(21))).rejects.toThrow(GroupRequestInvalidError)
    await expect(client.api.groups.removeMembers('G1', [])).rejects.toThrow(/1 to 20 members; this one names 0/)
    await expect(client.api.groups.joinRequests('G1', { limit: 51 })).rejects.toThrow(GroupRequestInvalidError)
    expect(platform.calls.filter((call) => call.path.startsWith('/v2/groups'))).toEqual([])
  })

  it('GIVEN a bot that is only a member THEN removing and join requests reject with GroupAdminRequiredError; listing works', async () => {
    const { platform, client } = await onPlatform()
    platform.groups.seed('G1', { members: ['M1'], botRole: 'member' })

    await expect(client.api.groups.removeMembers('G1', ['M1'])).rejects.toThrow(GroupAdminRequiredError)
    await expect(client.api.groups.joinRequests('G1')).rejects.toMatchObject({ code: 'GROUP_ADMIN_REQUIRED' })
    expect((await client.api.groups.members('G1')).members).toHaveLength(1)
  })

  it('GIVEN an app without the invite-only grant THEN every call rejects with GroupApiNotGrantedError explaining 内邀', async () => {
    const { platform, client } = await onPlatform()
    platform.groups.seed('G1', { members: ['M1'] })
    platform.groups.granted = false

    const error = await client.api.groups.members('G1').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(GroupApiNotGrantedError)
    expect((error as Error).message).toMatch(/invite-only \(内邀\)/)
    expect((error as GroupApiNotGrantedError).route).toBe('GET /v2/groups/{group_openid}/members')
    await expect(client.api.groups.removeMembers('G1', ['M1'])).rejects.toThrow(GroupApiNotGrantedError)
  })
})
