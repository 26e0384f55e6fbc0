import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Arg, Command, Controller } from '@qqbot/framework'
import '@qqbot/testing/matchers'
import { createTestBot, type TestBot } from './index.js'

@Controller()
class Dice {
  @Command('roll')
  roll(@Arg('sides', z.coerce.number().int().min(2).default(6)) sides: number) {
    return `🎲 ${sides}`
  }

  @Command('card')
  card() {
    return { markdown: { content: '**card**' }, keyboard: { id: 'kb-1' } }
  }
}

let bot: TestBot | undefined
afterEach(async () => {
  await bot?.stop()
  bot = undefined
})

async function start(): Promise<TestBot> {
  bot = await createTestBot({ controllers: [Dice], locale: 'en' })
  return bot
}

describe('reply matchers', () => {
  it('GIVEN replies THEN toHaveReplied and toHaveRepliedWith pass for text, patterns, partial bodies and asymmetric matchers', async () => {
    const bot = await start()
    const alice = bot.user('alice').inGroup('g1')
    const bob = bot.user('bob').inC2C()
    await alice.send('/roll 20')
    await alice.send('/card')
    expect(alice).toHaveReplied()
    expect(alice).toHaveRepliedWith('🎲 20')
    expect(alice).toHaveRepliedWith(/^🎲 \d+$/)
    expect(alice).toHaveRepliedWith({ keyboard: { id: 'kb-1' } })
    expect(alice).toHaveRepliedWith({ markdown: { content: '**card**' } })
    expect(alice).toHaveRepliedWith(expect.stringContaining('card'))
    expect(bob).not.toHaveReplied()
    expect(alice).not.toHaveRepliedWith('🎲 6')
    expect(bot).toHaveReplied()
    expect(bot).toHaveRepliedWith('🎲 20')
    expect([alice, bob]).toEqual([expect.toHaveRepliedWith('🎲 20'), expect.not.toHaveReplied()])
  })

  it('GIVEN a mismatch THEN the message names the chat and lists what was replied', async () => {
    const bot = await start()
    const alice = bot.user('alice').inGroup('g1')
    await alice.send('/roll 20')
    await alice.send('/card')
    expect(() => expect(alice).toHaveRepliedWith('🎲 6')).toThrow(
      'expected alice in group g1 to have replied with "🎲 6", but its replies were:\n  1. "🎲 20"\n  2. "**card**"',
    )
    expect(() => expect(alice).toHaveRepliedWith(/sides/)).toThrow(
      /to have replied with \/sides\/, but its replies were:\n {2}1\. "🎲 20"/,
    )
    expect(() => expect(alice).toHaveRepliedWith({ keyboard: { id: 'other' } })).toThrow(
      /to have replied with a body containing \{"keyboard":\{"id":"other"\}\}, but its replies were:\n {2}1\. \{"content":"🎲 20",.*\n {2}2\. \{"markdown":\{"content":"\*\*card\*\*"\},"keyboard":\{"id":"kb-1"\}/,
    )
    expect(() => expect(alice).toHaveRepliedWith(expect.stringContaining('dice'))).toThrow(
      /to have replied with StringContaining "dice", but its replies were/,
    )
    expect(() => expect(alice).not.toHaveRepliedWith(/card/)).toThrow(
      'expected alice in group g1 not to have replied with /card/, but reply 2 was "**card**"',
    )
    expect(() => expect(alice).not.toHaveReplied()).toThrow(
      /expected alice in group g1 not to have replied, but it replied:\n {2}1\. "🎲 20"/,
    )
  })

  it('GIVEN no replies THEN the message says so', async () => {
    const bot = await start()
    const carol = bot.user('carol').inChannel('c1')
    expect(() => expect(carol).toHaveReplied()).toThrow(
      'expected carol in channel c1 to have replied, but there are no replies',
    )
    expect(() => expect(carol).toHaveRepliedWith('hi')).toThrow(
      'expected carol in channel c1 to have replied with "hi", but there are no replies',
    )
    expect(() => expect(bot).toHaveReplied()).toThrow('expected the bot to have replied, but there are no replies')
  })

  it('GIVEN something that has no replies THEN the matcher says what it needs, even negated', () => {
    expect(() => expect('alice').toHaveReplied()).toThrow(/needs a chat .* something with \.replies\. Got alice/)
    expect(() => expect(undefined).not.toHaveRepliedWith('x')).toThrow(TypeError)
  })
})
