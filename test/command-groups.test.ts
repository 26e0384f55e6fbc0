import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { groupAtMessage } from '@qqbot/fake-platform'
import { startBotHarness } from './support/bot-harness.js'
import { Arg, Command, Controller, UseGuards, type BotOptions, type Guard } from '@qqbot/framework'

const onlyAlice: Guard = async (ctx, next) => {
  if (ctx.userId === 'alice') return next()
  await ctx.reply('admins only')
}

@Controller({ group: 'admin' })
@UseGuards(onlyAlice)
class AdminCommands {
  @Command('ban', { description: 'Ban a member' })
  ban(@Arg('who', z.string()) who: string) {
    return `banned ${who}`
  }

  @Command('unban', { aliases: ['pardon'] })
  unban(@Arg('who', z.string()) who: string) {
    return `unbanned ${who}`
  }
}

@Controller()
class Plain {
  @Command('ban')
  ban() {
    return 'the top-level ban is a different command'
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function start(options: Partial<BotOptions> = {}) {
  return startBotHarness({ controllers: [AdminCommands, Plain], ...options }, cleanups)
}

describe('subcommands', () => {
  it('GIVEN a controller group THEN /admin ban runs the subcommand behind the group guard, and /ban stays separate', async () => {
    const { say } = await start()
    expect(await say(groupAtMessage({ content: '/admin ban bob', memberOpenid: 'alice' }))).toEqual(['banned bob'])
    expect(await say(groupAtMessage({ content: '/admin pardon bob', memberOpenid: 'alice' }))).toEqual(['unbanned bob'])
    expect(await say(groupAtMessage({ content: '/admin ban bob', memberOpenid: 'mallory' }))).toEqual(['admins only'])
    expect(await say(groupAtMessage({ content: '/ban', memberOpenid: 'mallory' }))).toEqual([
      'the top-level ban is a different command',
    ])
    expect(await say(groupAtMessage({ content: '/admin nothing', memberOpenid: 'alice' }), 0)).toEqual([])
  })

  it('GIVEN /help THEN subcommands are listed by their full path, and /help admin ban explains one', async () => {
    const { say } = await start({ locale: 'en' })
    const [list] = await say(groupAtMessage({ content: '/help' }))
    expect(list).toContain('/admin ban — Ban a member')
    const [one] = await say(groupAtMessage({ content: '/help admin ban' }))
    expect(one!.split('\n')[0]).toBe('/admin ban <who>')
  })
})

describe('prefix resolver', () => {
  it('GIVEN an async per-group prefix resolver THEN each group uses its own prefixes', async () => {
    const prefixesByGroup = new Map([['g-bang', ['!']]])
    const { say } = await start({
      prefixes: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 1))
        return prefixesByGroup.get((event.data as { group_openid: string }).group_openid) ?? ['/']
      },
    })
    expect(await say(groupAtMessage({ content: '!ban', groupOpenid: 'g-bang' }))).toEqual([
      'the top-level ban is a different command',
    ])
    expect(await say(groupAtMessage({ content: '/ban', groupOpenid: 'g-other' }))).toEqual([
      'the top-level ban is a different command',
    ])
    // group @-messages need no prefix at all, so '/ban' in g-bang still reads as the word '/ban', which is no command
    expect(await say(groupAtMessage({ content: '/ban', groupOpenid: 'g-bang' }), 0)).toEqual([])
  })
})
