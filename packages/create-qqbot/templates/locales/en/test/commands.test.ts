import { afterEach, describe, expect, it } from 'vitest'
import { createTestBot, type TestBot } from '@qqbot/testing'
import { controllers, locale, providers } from '../src/bot.js'
import { RandomService } from '../src/services/random.js'

/** Always rolls the highest face, so the replies are predictable. */
class HighestRoll extends RandomService {
  override int(_min: number, max: number): number {
    return max
  }
}

let bot: TestBot | undefined
afterEach(async () => {
  await bot?.stop()
  bot = undefined
})

describe('{{name}} commands', () => {
  it('answers /ping with pong in a group and in a private chat', async () => {
    bot = await createTestBot({ controllers, providers, locale })
    const inGroup = bot.user('alice').inGroup('group-1')
    await inGroup.send('/ping')
    expect(inGroup.lastReply()).toBe('pong')
    const inPrivate = bot.user('alice').inC2C()
    await inPrivate.send('ping')
    expect(inPrivate.lastReply()).toBe('pong')
  })

  it('rolls the injected random service, checks the argument and cools down per user', async () => {
    bot = await createTestBot({
      controllers,
      providers: [...providers, { token: RandomService, useClass: HighestRoll }],
      locale,
    })
    const alice = bot.user('alice').inGroup('group-1')
    await alice.send('/roll 20')
    expect(alice.lastReply()).toBe('🎲 20 (d20)')
    await alice.send('/roll')
    expect(alice.lastReply()).toContain('try again in 3 s')

    const bob = bot.user('bob').inGroup('group-1')
    await bob.send('/r')
    expect(bob.lastReply()).toBe('🎲 6 (d6)')

    const carol = bot.user('carol').inC2C()
    await carol.send('/roll 1')
    expect(carol.lastReply()).toContain('Invalid argument sides')
  })

  it('lists the commands with their descriptions on /help', async () => {
    bot = await createTestBot({ controllers, providers, locale })
    const alice = bot.user('alice').inC2C()
    await alice.send('/help')
    expect(alice.lastReply()).toContain('/ping — Check that the bot is alive')
    expect(alice.lastReply()).toContain('/roll — Roll a die')
    await alice.send('/help roll')
    expect(alice.lastReply()).toContain('sides: faces of the die')
  })
})
