import type { FakePlatform } from '@qqbot/fake-platform'
import type { Bot, BotOptions } from '@qqbot/framework'
import { createIntegrationBot } from '@qqbot/testing'

export interface BotHarness {
  platform: FakePlatform
  bot: Bot
  /** Delivers an event (over the bot's delivery) and resolves with the reply texts; `expected: 0` waits for silence. */
  say(event: { t: string; d: unknown }, expected?: number): Promise<string[]>
}

/** A framework bot on a fresh fake platform (the kit's integration mode); `cleanups` closes both. */
export async function startBotHarness(
  options: Partial<BotOptions>,
  cleanups: (() => Promise<void>)[],
): Promise<BotHarness> {
  const integration = await createIntegrationBot({ controllers: [], ...options })
  cleanups.push(() => integration.close())
  const say: BotHarness['say'] = async (event, expected = 1) =>
    (await integration.deliver(event, { expected })).map((reply) => reply.body.content as string)
  return { platform: integration.platform, bot: integration.bot, say }
}
