import { afterEach, describe, expect, it } from 'vitest'
import { groupAddRobot, groupAtMessage } from '@qqbot/fake-platform'
import { Command, Controller, EventContext, OnEvent, type BotOptions, type Middleware } from '@qqbot/framework'
import { startBotHarness } from './support/bot-harness.js'

class NotFound extends Error {}

@Controller()
class Things {
  @Command('ok')
  ok() {
    return 'fine'
  }
  @Command('missing')
  missing(): string {
    throw new NotFound('no such thing')
  }
  @Command('crash')
  crash(): string {
    throw new Error('bug')
  }
  @OnEvent('GROUP_ADD_ROBOT')
  joined(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply('hello')
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function start(options: Partial<BotOptions> = {}) {
  return startBotHarness({ controllers: [Things], locale: 'en', ...options }, cleanups)
}

describe('middleware and the error hook', () => {
  it('GIVEN middleware THEN it wraps commands and event handlers alike, in order, and can drop an event', async () => {
    const seen: string[] = []
    const outer: Middleware = async (event, next) => {
      seen.push(`outer>${event.name}`)
      await next()
      seen.push('<outer')
    }
    const dropBanned: Middleware = async (event, next) => {
      if ((event.data as { author?: { member_openid?: string } }).author?.member_openid === 'banned') return
      await next()
    }
    const { say, bot } = await start({ middleware: [outer] })
    bot.use(dropBanned)
    expect(await say(groupAtMessage({ content: '/ok' }))).toEqual(['fine'])
    expect(await say(groupAddRobot({ groupOpenid: 'g' }))).toEqual(['hello'])
    expect(await say(groupAtMessage({ content: '/ok', memberOpenid: 'banned' }), 0)).toEqual([])
    await bot.client.idle()
    expect(seen).toEqual([
      'outer>GROUP_AT_MESSAGE_CREATE',
      '<outer',
      'outer>GROUP_ADD_ROBOT',
      '<outer',
      'outer>GROUP_AT_MESSAGE_CREATE',
      '<outer',
    ])
  })

  it('GIVEN onCommandError THEN it chooses the reply (or silence), the failure is still counted', async () => {
    const { say, bot } = await start({
      onCommandError: (error) =>
        error instanceof NotFound
          ? `Sorry: ${error.message}`
          : error instanceof Error && error.message === 'bug'
            ? null
            : undefined,
    })
    expect(await say(groupAtMessage({ content: '/missing' }))).toEqual(['Sorry: no such thing'])
    expect(await say(groupAtMessage({ content: '/crash' }), 0)).toEqual([])
    await bot.client.idle()
    expect(bot.client.metrics().counters.events_failed).toEqual({ 'event="GROUP_AT_MESSAGE_CREATE"': 2 })
  })
})
