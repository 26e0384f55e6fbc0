import { afterEach, describe, expect, it } from 'vitest'
import { Intents } from '@qqbot/core'
import { Command, Controller, OnEvent, type EventContext } from '@qqbot/framework'
import { groupMessage as allMessagesGroupMessage } from '@qqbot/fake-platform'
import { createTestBot, type TestBot } from '@qqbot/testing'
import { useClientOnPlatform } from '../packages/core/src/test-client.js'

@Controller()
class Dice {
  @Command('roll')
  roll() {
    return '🎲 4'
  }

  @OnEvent('GROUP_MEMBER_ADD')
  welcome(ctx: EventContext<'GROUP_MEMBER_ADD'>) {
    return ctx.reply(`welcome ${ctx.data.member_openid}`)
  }
}

let testBot: TestBot | undefined
afterEach(async () => {
  await testBot?.stop()
  testBot = undefined
})

/** A group message as GROUP_MESSAGE_CREATE sends it (no leading space; an @ of the bot only in `mentions`). */
function groupMessage(content: string, options: { id?: string; mentionsBot?: boolean } = {}) {
  return allMessagesGroupMessage({ content, groupOpenid: 'G1', memberOpenid: 'M1', ...options }).d
}

describe('a group with all messages on', () => {
  it('a command in a message that does not @ the bot needs its prefix', async () => {
    testBot = await createTestBot({ controllers: [Dice] })
    expect(await testBot.emit('GROUP_MESSAGE_CREATE', groupMessage('roll'))).toEqual([])
    expect(await testBot.emit('GROUP_MESSAGE_CREATE', groupMessage('we should roll for it'))).toEqual([])
    const replies = await testBot.emit('GROUP_MESSAGE_CREATE', groupMessage('/roll'))
    expect(replies.map((reply) => reply.body.content)).toEqual(['🎲 4'])
  })

  it('a message whose mentions mark the bot (is_you) runs its command without a prefix', async () => {
    testBot = await createTestBot({ controllers: [Dice] })
    const replies = await testBot.emit('GROUP_MESSAGE_CREATE', groupMessage('roll', { mentionsBot: true }))
    expect(replies.map((reply) => reply.body.content)).toEqual(['🎲 4'])
    expect(replies[0]).toMatchObject({ scene: 'group', target: 'G1' })
  })

  it('one @-message delivered under both names is handled once, whichever name comes first', async () => {
    testBot = await createTestBot({ controllers: [Dice] })
    const first = await testBot.emit('GROUP_MESSAGE_CREATE', groupMessage('roll', { id: 'M-A', mentionsBot: true }))
    const second = await testBot.emit('GROUP_AT_MESSAGE_CREATE', {
      ...groupMessage(' roll', { id: 'M-A' }),
      mentions: undefined,
    })
    const third = await testBot.emit('GROUP_AT_MESSAGE_CREATE', groupMessage(' roll', { id: 'M-B' }))
    const fourth = await testBot.emit('GROUP_MESSAGE_CREATE', groupMessage('roll', { id: 'M-B', mentionsBot: true }))
    expect([first.length, second.length, third.length, fourth.length]).toEqual([1, 0, 1, 0])
  })

  it('a member joining is answered in the group with its event id', async () => {
    testBot = await createTestBot({ controllers: [Dice] })
    const replies = await testBot.emit('GROUP_MEMBER_ADD', {
      group_openid: 'G1',
      member_openid: 'NEW',
      timestamp: 1764820000,
    })
    expect(replies).toHaveLength(1)
    expect(replies[0]!.body).toMatchObject({ content: 'welcome NEW', msg_seq: 1 })
    expect(replies[0]!.body.event_id).toBeDefined()
    expect(testBot.bot.client.intents & Intents.GROUP_MEMBER).toBe(Intents.GROUP_MEMBER)
  })
})

describe('core handlers with all messages on', () => {
  const start = useClientOnPlatform()

  it('a handler of GROUP_AT_MESSAGE_CREATE alone still sees an @-message that came first as GROUP_MESSAGE_CREATE', async () => {
    const { platform, client } = await start()
    const seen: string[] = []
    client.on('GROUP_AT_MESSAGE_CREATE', (event) => void seen.push(event.data.id))
    await client.start()
    platform.dispatch('GROUP_MESSAGE_CREATE', groupMessage('roll', { id: 'BOTH', mentionsBot: true }))
    platform.dispatch('GROUP_AT_MESSAGE_CREATE', groupMessage(' roll', { id: 'BOTH' }))
    platform.dispatch('GROUP_AT_MESSAGE_CREATE', groupMessage(' roll', { id: 'BOTH' }))
    platform.dispatch('GROUP_AT_MESSAGE_CREATE', groupMessage(' roll', { id: 'LAST' }))
    const deadline = Date.now() + 10_000
    while (!seen.includes('LAST') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    await client.idle()
    expect(seen).toEqual(['BOTH', 'LAST'])
  })
})
