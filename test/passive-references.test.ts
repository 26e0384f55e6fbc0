import { describe, expect, it } from 'vitest'
import { ApiError } from '@qqbot/core'
import { c2cUserEvent, groupMemberEvent, groupRobotEvent, interaction } from '@qqbot/fake-platform'
import { useClientOnPlatform } from '../packages/core/src/test-client.js'

const start = useClientOnPlatform()

describe('passive replies to the events that allow an event_id, against a platform that checks the reference', () => {
  it('GIVEN button clicks in a group and in C2C, a member joining, a friend adding and messages opened THEN each is answered in its chat', async () => {
    const { platform, client } = await start()
    for (const name of [
      'INTERACTION_CREATE',
      'GROUP_MEMBER_ADD',
      'FRIEND_ADD',
      'GROUP_MSG_RECEIVE',
      'C2C_MSG_RECEIVE',
    ] as const) {
      client.on(name, (event) => client.reply(event, `answer to ${name}`))
    }
    await client.start()
    const events = [
      interaction({ scene: 'group', groupOpenid: 'G1', buttonData: 'vote:yes' }),
      interaction({ scene: 'c2c', userOpenid: 'U1', buttonData: 'vote:no' }),
      groupMemberEvent('GROUP_MEMBER_ADD', { groupOpenid: 'G1' }),
      c2cUserEvent('FRIEND_ADD', { openid: 'U1' }),
      groupRobotEvent('GROUP_MSG_RECEIVE', { groupOpenid: 'G1' }),
      c2cUserEvent('C2C_MSG_RECEIVE', { openid: 'U1' }),
    ]
    const ids = events.map((event) => platform.dispatchEvent(event).id)
    await platform.waitForSent(events.length)
    // Handlers run concurrently, so the replies may land in any order.
    expect(platform.sent.map((message) => [message.scene, message.target, message.body.event_id]).sort()).toEqual(
      [
        ['group', 'G1', ids[0]],
        ['c2c', 'U1', ids[1]],
        ['group', 'G1', ids[2]],
        ['c2c', 'U1', ids[3]],
        ['group', 'G1', ids[4]],
        ['c2c', 'U1', ids[5]],
      ].sort(),
    )
  })

  it('GIVEN a send that names an event no reply may name, or names it as the wrong kind, or in another chat THEN the platform refuses it', async () => {
    const { platform, client } = await start()
    client.on('GROUP_MEMBER_REMOVE', () => undefined)
    await client.start()
    const left = platform.dispatchEvent(groupMemberEvent('GROUP_MEMBER_REMOVE', { groupOpenid: 'G1' }))
    await client.idle()
    const refusal = (body: Record<string, unknown>, group = 'G1') =>
      client.api.sendGroupMessage(group, { content: 'x', msg_seq: 1, ...body }).catch((error: unknown) => error)
    expect(await refusal({ event_id: left.id })).toMatchObject({
      platformCode: 304026,
      message: expect.stringContaining('GROUP_MEMBER_REMOVE cannot be answered'),
    })
    expect(await refusal({ msg_id: left.id })).toBeInstanceOf(ApiError)
    expect(platform.sent).toEqual([])
  })
})
