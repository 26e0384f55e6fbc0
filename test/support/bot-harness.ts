import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createBot, type Bot, type BotOptions } from '@qqbot/framework'

export interface BotHarness {
  platform: FakePlatform
  bot: Bot
  /** Delivers an event (over the bot's delivery) and resolves with the reply texts; `expected: 0` waits for silence. */
  say(event: { t: string; d: unknown }, expected?: number): Promise<string[]>
}

/** A framework bot on a fresh fake platform; everything it starts is closed by `cleanups`. */
export async function startBotHarness(options: Partial<BotOptions>, cleanups: (() => Promise<void>)[]): Promise<BotHarness> {
  const platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
  cleanups.push(() => platform.close())
  const bot = createBot({
    appId: platform.appId,
    secret: platform.secret,
    hosts: { api: platform.url },
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0 },
    webhook: { port: 0, host: '127.0.0.1' },
    controllers: [],
    ...options,
  })
  await bot.start()
  cleanups.push(() => bot.stop())
  const say: BotHarness['say'] = async (event, expected = 1) => {
    const before = platform.sent.length
    if (options.delivery === 'webhook') {
      const reply = await platform.webhook.deliver(bot.client.webhook.url!, event.t, event.d)
      if (reply.status !== 200) throw new Error(`webhook delivery answered ${reply.status}`)
    } else platform.dispatch(event.t, event.d)
    if (expected === 0) {
      // Give the bot time to (not) answer. Idle is capped: a handler waiting in ctx.prompt() never idles.
      await new Promise((resolve) => setTimeout(resolve, 150))
      await Promise.race([bot.client.idle(), new Promise((resolve) => setTimeout(resolve, 300))])
    } else await platform.waitForSent(before + expected, 5_000)
    return platform.sent.slice(before).map((message) => message.body.content as string)
  }
  return { platform, bot, say }
}
