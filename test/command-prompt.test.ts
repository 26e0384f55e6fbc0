import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { c2cMessage, groupAtMessage } from '@qqbot/fake-platform'
import { Arg, Command, CommandContext, Controller, type BotOptions } from '@qqbot/framework'
import { startBotHarness } from './support/bot-harness.js'

@Controller()
class Order {
  @Command('order')
  async order(@Arg('timeout', z.coerce.number().default(20_000)) timeout: number, ctx: CommandContext) {
    const size = await ctx.prompt('Which size? (S/M/L)', { timeoutMs: timeout })
    const count = await ctx.prompt(`${size}: how many?`, { timeoutMs: timeout })
    return `ordered ${count} × ${size}`
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function start(options: Partial<BotOptions> = {}) {
  return startBotHarness({ controllers: [Order], locale: 'en', ...options }, cleanups)
}

describe('ctx.prompt conversations', () => {
  it('GIVEN a multi-step conversation THEN each answer is taken from the same user in the same chat, and replies go to the latest message', async () => {
    const { say, platform } = await start()
    expect(await say(groupAtMessage({ content: '/order', groupOpenid: 'g1', memberOpenid: 'alice' }))).toEqual([
      'Which size? (S/M/L)',
    ])
    // another user in the same group, and alice elsewhere, do not answer alice's question
    expect(await say(groupAtMessage({ content: 'L', groupOpenid: 'g1', memberOpenid: 'bob' }), 0)).toEqual([])
    expect(await say(c2cMessage({ content: 'S', userOpenid: 'alice' }), 0)).toEqual([])
    const answer = groupAtMessage({ content: ' M', groupOpenid: 'g1', memberOpenid: 'alice' })
    expect(await say(answer)).toEqual(['M: how many?'])
    expect(platform.sent.at(-1)!.body.msg_id).toBe((answer.d as { id: string }).id)
    expect(await say(groupAtMessage({ content: '3', groupOpenid: 'g1', memberOpenid: 'alice' }))).toEqual([
      'ordered 3 × M',
    ])
  })

  it('GIVEN no answer in time THEN the user is told and the bot carries on', async () => {
    const { say, platform } = await start()
    expect(await say(groupAtMessage({ content: '/order 200', memberOpenid: 'carol' }))).toEqual(['Which size? (S/M/L)'])
    await platform.waitForSent(platform.sent.length + 1, 2_000)
    expect(platform.sent.at(-1)!.body.content).toBe('No answer in time; cancelled.')
    expect(await say(groupAtMessage({ content: '/order', memberOpenid: 'carol' }))).toEqual(['Which size? (S/M/L)'])
  })

  it('GIVEN the user cancels THEN the conversation ends politely, and the next message is a command again', async () => {
    const { say } = await start({ locale: 'zh-CN' })
    expect(await say(c2cMessage({ content: '/order', userOpenid: 'dave' }))).toEqual(['Which size? (S/M/L)'])
    expect(await say(c2cMessage({ content: '取消', userOpenid: 'dave' }))).toEqual(['已取消。'])
    expect(await say(c2cMessage({ content: '/order', userOpenid: 'dave' }))).toEqual(['Which size? (S/M/L)'])
  })

  it('GIVEN every handler slot held by a waiting conversation THEN answers still get through (no deadlock)', async () => {
    const { say } = await start({ pipeline: { concurrency: 2 } })
    expect(await say(c2cMessage({ content: '/order', userOpenid: 'u1' }))).toEqual(['Which size? (S/M/L)'])
    expect(await say(c2cMessage({ content: '/order', userOpenid: 'u2' }))).toEqual(['Which size? (S/M/L)'])
    // both slots are held now: a new command waits in the queue…
    expect(await say(c2cMessage({ content: '/order', userOpenid: 'u3' }), 0)).toEqual([])
    // …but answers bypass the queue, so u1 finishes, which frees a slot for u3's command
    expect(await say(c2cMessage({ content: 'S', userOpenid: 'u1' }))).toEqual(['S: how many?'])
    expect(await say(c2cMessage({ content: '1', userOpenid: 'u1' }), 2)).toEqual([
      'ordered 1 × S',
      'Which size? (S/M/L)',
    ])
  })
})
