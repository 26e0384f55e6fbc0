import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { Arg, Command, CommandContext, Controller, Cooldown, PromptTimeoutError } from '@qqbot/framework'
import { createTestBot, type TestBot } from './index.js'

@Controller()
class Timed {
  @Command('roll')
  @Cooldown({ per: 'user', ms: 60_000 })
  roll(@Arg('sides', z.coerce.number().int().min(2).default(6)) sides: number) {
    return `🎲 ${sides}`
  }

  /** Catches the timeout and answers in its own words (a reply: after the question, a return value is not sent). */
  @Command('name')
  async name(ctx: CommandContext) {
    try {
      return `hi ${await ctx.prompt('Name?', { timeoutMs: 60_000 })}`
    } catch (error) {
      if (error instanceof PromptTimeoutError) return ctx.reply('too slow')
      throw error
    }
  }

  /** Leaves the timeout to the framework. */
  @Command('order')
  async order(ctx: CommandContext) {
    return `ordered ${await ctx.prompt('Size?', { timeoutMs: 30_000 })}`
  }
}

let bot: TestBot | undefined
afterEach(async () => {
  vi.useRealTimers()
  await bot?.stop()
  bot = undefined
})

describe('fake time in createTestBot', () => {
  it('GIVEN a 60 s cooldown THEN the second /roll is refused until the clock is advanced, without real waiting', async () => {
    bot = await createTestBot({ controllers: [Timed], locale: 'en' })
    const alice = bot.user('alice').inGroup('g1')
    await alice.send('/roll 20')
    expect(alice.lastReply()).toBe('🎲 20')
    await alice.send('/roll 20')
    expect(alice.lastReply()).toBe('Slow down: try again in 60 s.')
    await bot.clock.advance(59_000)
    await alice.send('/roll 20')
    expect(alice.lastReply()).toBe('Slow down: try again in 1 s.')
    await bot.clock.advance(1_000)
    await alice.send('/roll 20')
    expect(alice.lastReply()).toBe('🎲 20')
  })

  it('GIVEN ctx.prompt({ timeoutMs: 60_000 }) THEN it times out exactly when the clock reaches it, and the handler answers', async () => {
    bot = await createTestBot({ controllers: [Timed], locale: 'en' })
    const alice = bot.user('alice').inC2C()
    await alice.send('/name')
    expect(alice.lastReply()).toBe('Name?')
    await bot.clock.advance(59_999)
    expect(alice.replies).toHaveLength(1)
    await bot.clock.advance(1)
    expect(alice.lastReply()).toBe('too slow')
    expect(bot.clock.pendingTimers).toBe(0)
    // the conversation is over: the next message is a command again
    await alice.send('/name')
    await alice.send('Alice')
    expect(alice.lastReply()).toBe('hi Alice')
    expect(bot.clock.pendingTimers).toBe(0)
  })

  it('GIVEN a handler that lets the timeout through THEN the framework tells the user, in the chat that asked', async () => {
    bot = await createTestBot({ controllers: [Timed], locale: 'en' })
    const carol = bot.user('carol').inGroup('g1')
    const dave = bot.user('dave').inGroup('g1')
    await carol.send('/order')
    await bot.clock.advance(10_000)
    await dave.send('/order')
    await bot.clock.advance(20_000)
    expect(carol.replies.map((reply) => reply.text)).toEqual(['Size?', 'No answer in time; cancelled.'])
    expect(dave.replies.map((reply) => reply.text)).toEqual(['Size?'])
    await bot.clock.advance(10_000)
    expect(dave.lastReply()).toBe('No answer in time; cancelled.')
  })

  it('GIVEN vi.useFakeTimers() THEN the test bot still settles, and only bot.clock moves its time', async () => {
    vi.useFakeTimers()
    bot = await createTestBot({ controllers: [Timed], locale: 'en' })
    const alice = bot.user('alice').inGroup('g1')
    await alice.send('/roll')
    vi.advanceTimersByTime(120_000)
    await alice.send('/roll')
    expect(alice.lastReply()).toMatch(/^Slow down/)
    await bot.clock.advance(60_000)
    await alice.send('/roll')
    expect(alice.lastReply()).toBe('🎲 6')
  })
})
