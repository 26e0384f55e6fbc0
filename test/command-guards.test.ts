import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { groupAtMessage, guildAtMessage, c2cMessage } from '@qqbot/fake-platform'
import { startBotHarness } from './support/bot-harness.js'
import {
  Arg,
  Command,
  Controller,
  Cooldown,
  Flag,
  GuildAdminOnly,
  UseGuards,
  type BotOptions,
  type Guard,
} from '@qqbot/framework'

const trail: string[] = []
const mark =
  (name: string, pass = true): Guard =>
  async (_ctx, next) => {
    trail.push(`${name}>`)
    if (pass) await next()
    trail.push(`<${name}`)
  }

@Controller()
@UseGuards(mark('class-a'), mark('class-b'))
class Guarded {
  @UseGuards(mark('method-a'))
  @Command('guarded', { description: 'Shows the guard order' })
  @UseGuards(mark('method-b'))
  guarded() {
    trail.push('handler')
    return 'ran'
  }

  @Command('blocked')
  @UseGuards(mark('stop', false))
  blocked() {
    trail.push('handler')
    return 'should not run'
  }
}

@Controller()
class Limited {
  @Command('slow', { aliases: ['s'], description: 'Limited per user' })
  @Cooldown({ per: 'user', ms: 300 })
  slow() {
    return 'ok'
  }

  @Command('shared')
  @Cooldown({ per: 'channel', ms: 60_000 })
  shared() {
    return 'ok'
  }

  @Command('per-chat')
  @Cooldown({ per: 'chat', ms: 60_000 })
  perChat() {
    return 'ok'
  }

  @Command('admin')
  @GuildAdminOnly()
  admin() {
    return 'admin ok'
  }

  @Command('roll', { aliases: ['r'], description: 'Roll a die' })
  roll(
    @Arg('sides', z.coerce.number().int().min(2).default(6), { description: 'faces' }) sides: number,
    @Flag('times', z.coerce.number().int().default(1), { short: 't', description: 'how many' }) times: number,
    @Flag('loud', z.boolean().default(false)) loud: boolean,
  ) {
    return `${sides} ${times} ${loud}`
  }
}

@Controller({ scenes: ['guild'] })
class GuildOnly {
  @Command('channel-info', { description: 'Guild only' })
  info() {
    return 'guild'
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  trail.length = 0
})

function start(options: Partial<BotOptions> = {}) {
  return startBotHarness({ controllers: [Guarded, Limited, GuildOnly], ...options }, cleanups)
}

describe('guards', () => {
  it('GIVEN class and method guards THEN they run class first, each in the order written, around the handler', async () => {
    const { say, bot } = await start()
    expect(await say(groupAtMessage({ content: '/guarded' }))).toEqual(['ran'])
    await bot.client.idle()
    expect(trail).toEqual([
      'class-a>',
      'class-b>',
      'method-a>',
      'method-b>',
      'handler',
      '<method-b',
      '<method-a',
      '<class-b',
      '<class-a',
    ])
  })

  it('GIVEN a guard that does not call next THEN the handler does not run and nothing is sent', async () => {
    const { say } = await start()
    expect(await say(groupAtMessage({ content: '/blocked' }), 0)).toEqual([])
    expect(trail).not.toContain('handler')
  })

  it('GIVEN a per-user cooldown THEN a second try is refused politely, another user is not, and it expires', async () => {
    const { say } = await start()
    expect(await say(groupAtMessage({ content: '/slow', memberOpenid: 'alice' }))).toEqual(['ok'])
    expect(await say(groupAtMessage({ content: '/s', memberOpenid: 'alice' }))).toEqual([
      '操作太频繁了，请 1 秒后再试。',
    ])
    expect(await say(groupAtMessage({ content: '/slow', memberOpenid: 'bob' }))).toEqual(['ok'])
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect(await say(groupAtMessage({ content: '/slow', memberOpenid: 'alice' }))).toEqual(['ok'])
  })

  it('GIVEN a per-channel cooldown THEN everyone in that group waits, other groups do not; two bots keep separate clocks', async () => {
    const first = await start({ locale: 'en' })
    expect(await first.say(groupAtMessage({ content: '/shared', groupOpenid: 'g1', memberOpenid: 'a' }))).toEqual([
      'ok',
    ])
    expect((await first.say(groupAtMessage({ content: '/shared', groupOpenid: 'g1', memberOpenid: 'b' })))[0]).toMatch(
      /^Slow down: try again in \d+ s\.$/,
    )
    expect(await first.say(groupAtMessage({ content: '/shared', groupOpenid: 'g2', memberOpenid: 'a' }))).toEqual([
      'ok',
    ])
    const second = await start()
    expect(await second.say(groupAtMessage({ content: '/shared', groupOpenid: 'g1', memberOpenid: 'a' }))).toEqual([
      'ok',
    ])
  })

  it("GIVEN a per-chat cooldown THEN everyone in that group waits and other groups do not (the former 'channel' above means the same)", async () => {
    const { say } = await start({ locale: 'en' })
    expect(await say(groupAtMessage({ content: '/per-chat', groupOpenid: 'g1', memberOpenid: 'a' }))).toEqual(['ok'])
    expect((await say(groupAtMessage({ content: '/per-chat', groupOpenid: 'g1', memberOpenid: 'b' })))[0]).toMatch(
      /^Slow down: try again in \d+ s\.$/,
    )
    expect(await say(groupAtMessage({ content: '/per-chat', groupOpenid: 'g2', memberOpenid: 'a' }))).toEqual(['ok'])
  })

  it('GIVEN @GuildAdminOnly THEN admins pass and members are told why not', async () => {
    const { say } = await start()
    const asMember = guildAtMessage({ content: '/admin' })
    ;(asMember.d as { member: { roles: string[] } }).member = { roles: ['1'] }
    expect(await say(asMember)).toEqual(['只有频道主或管理员可以使用这个命令。'])
    const asAdmin = guildAtMessage({ content: '/admin' })
    ;(asAdmin.d as { member: { roles: string[] } }).member = { roles: ['1', '2'] }
    expect(await say(asAdmin)).toEqual(['admin ok'])
  })
})

describe('help', () => {
  it('GIVEN /help THEN it lists the commands usable in this scene with their descriptions', async () => {
    const { say } = await start()
    const [inGroup] = await say(groupAtMessage({ content: '/help' }))
    expect(inGroup).toContain('/roll — Roll a die')
    expect(inGroup).toContain('/slow — Limited per user')
    expect(inGroup).not.toContain('channel-info')
    const [inGuild] = await say(guildAtMessage({ content: '/帮助' }))
    expect(inGuild).toContain('/channel-info — Guild only')
  })

  it('GIVEN /help roll THEN it shows usage, aliases, arguments and flags with descriptions and defaults', async () => {
    const { say } = await start({ locale: 'en' })
    const [text] = await say(c2cMessage({ content: '/help roll' }))
    expect(text).toBe(
      [
        '/roll [sides] [--times <times>] [--loud]',
        'Roll a die',
        'Aliases: /r',
        'Arguments:',
        '  sides: faces; default 6',
        'Options:',
        '  --times <times>, -t: how many; default 1',
        '  --loud: default false',
      ].join('\n'),
    )
    expect(await say(c2cMessage({ content: '/help /r' }))).toEqual([text])
    expect(await say(c2cMessage({ content: '/help nope' }))).toEqual([
      'There is no command called nope. Send /help to see them all.',
    ])
  })

  it('GIVEN help: false THEN /help is not answered', async () => {
    const { say } = await start({ help: false })
    expect(await say(groupAtMessage({ content: '/help' }), 0)).toEqual([])
  })
})
