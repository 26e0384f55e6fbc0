import { afterEach, describe, expect, it } from 'vitest'
import {
  c2cMessage,
  directMessage,
  friendAdd,
  groupAddRobot,
  groupAtMessage,
  guildAtMessage,
  guildMemberAdd,
  guildMessage,
  interaction,
  startFakePlatform,
  type FakePlatform,
} from './index.js'
import { TestGatewayClient } from './test-gateway-client.js'

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

describe('event builders', () => {
  it('builds guild messages with the bot mention, realistic fields and unique ids', () => {
    const a = guildAtMessage({ content: '/ping' })
    const b = guildAtMessage({ content: '/ping', botId: '42', channelId: 'channel-2' })
    expect(a.t).toBe('AT_MESSAGE_CREATE')
    expect(a.d).toMatchObject({
      content: '<@!1000000000000000001> /ping',
      channel_id: 'channel-1',
      guild_id: 'guild-1',
      author: { id: expect.any(String), username: expect.any(String), bot: false },
      member: { roles: expect.any(Array) },
      attachments: [],
    })
    expect(a.d.timestamp).toMatch(RFC3339)
    expect(b.d).toMatchObject({ content: '<@!42> /ping', channel_id: 'channel-2' })
    expect(a.d.id).not.toBe(b.d.id)
    expect(guildMessage({ content: 'plain' })).toMatchObject({ t: 'MESSAGE_CREATE', d: { content: 'plain' } })
    expect(directMessage({ content: 'hi', srcGuildId: 'guild-1' })).toMatchObject({
      t: 'DIRECT_MESSAGE_CREATE',
      d: { direct_message: true, src_guild_id: 'guild-1', content: 'hi', guild_id: expect.stringMatching(/^dms-/) },
    })
  })

  it('builds group, C2C, lifecycle and interaction events', () => {
    const group = groupAtMessage({ content: 'hello', groupOpenid: 'G', memberOpenid: 'M' })
    expect(group).toMatchObject({
      t: 'GROUP_AT_MESSAGE_CREATE',
      d: { content: ' hello', group_openid: 'G', author: { member_openid: 'M' }, attachments: [] },
    })
    expect(c2cMessage({ content: 'yo', userOpenid: 'U' })).toMatchObject({
      t: 'C2C_MESSAGE_CREATE',
      d: { content: 'yo', author: { user_openid: 'U' } },
    })
    expect(groupAddRobot({ groupOpenid: 'G' })).toMatchObject({
      t: 'GROUP_ADD_ROBOT',
      d: { group_openid: 'G', op_member_openid: expect.any(String), timestamp: expect.any(Number) },
    })
    expect(friendAdd({ openid: 'U' })).toMatchObject({ t: 'FRIEND_ADD', d: { openid: 'U' } })
    expect(guildMemberAdd({ userId: '7' })).toMatchObject({ t: 'GUILD_MEMBER_ADD', d: { guild_id: 'guild-1', user: { id: '7' } } })

    const click = interaction({ scene: 'group', buttonData: 'vote:1' })
    expect(click).toMatchObject({
      t: 'INTERACTION_CREATE',
      d: { type: 11, scene: 'group', chat_type: 1, data: { resolved: { button_data: 'vote:1' } }, group_openid: expect.any(String) },
    })
    expect(click.id).toBe(click.d.id)
    expect(interaction({ scene: 'c2c', buttonData: 'x' }).d).toMatchObject({ chat_type: 2, user_openid: expect.any(String) })
    expect(interaction({ scene: 'guild', buttonData: 'x' }).d).toMatchObject({ chat_type: 0, guild_id: 'guild-1' })
  })

  it('dispatchEvent uses the builder id as the payload id', async () => {
    platform = await startFakePlatform()
    const client = await TestGatewayClient.connect(platform.gatewayUrl)
    await client.next()
    client.identify(platform.issueToken().access_token)
    await client.next()
    const click = interaction({ scene: 'c2c', buttonData: 'b' })
    platform.dispatchEvent(click)
    expect(await client.next()).toMatchObject({ op: 0, s: 2, t: 'INTERACTION_CREATE', id: click.id, d: { id: click.id } })
    client.ws.terminate()
  })
})
