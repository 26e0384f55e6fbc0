import { afterEach, describe, expect, it } from 'vitest'
import { groupAddRobot, groupAtMessage, c2cMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import type { Bot } from '@qqbot/framework'
import { createDiceBot, RandomService } from './dice-bot.js'
import { ensureBuilt } from '../../../test/support/ensure-built.js'

class Fixed extends RandomService {
  override int(min: number, max: number): number {
    return Math.min(max, min + 3)
  }
}

let platform: FakePlatform | undefined
let bot: Bot | undefined
afterEach(async () => {
  await bot?.stop()
  await platform?.close()
})

async function say(content: string, user = 'alice', make = groupAtMessage) {
  const before = platform!.sent.length
  const event = make({ content, memberOpenid: user, userOpenid: user } as never)
  platform!.dispatch(event.t, event.d)
  await platform!.waitForSent(before + 1, 5_000)
  return platform!.sent.at(-1)!.body.content as string
}

describe('the dice example', () => {
  it('GIVEN the fixed random service THEN rolls, sums, tallies, picks, guards, cooldowns and help all work', async () => {
    platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
    bot = createDiceBot({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      locale: 'en',
      gateway: { identifyIntervalMs: 0 },
      providers: [{ token: RandomService, useClass: Fixed }],
    })
    await bot.start()
    expect(await say('/roll 20 --times 3 --sum')).toBe('🎲 4 + 4 + 4 = 12 (3 rolled so far)')
    expect(await say('/r')).toMatch(/^Slow down: try again in \d s\.$/)
    expect(await say('/掷 6', 'bob')).toBe('🎲 4 (1 rolled so far)')
    expect(await say('/roll 6 -t 101', 'carol')).toBe('🎲 That is a lot of dice. At most 100, please.')
    expect(await say('/roll 1', 'dave')).toMatch(
      /^Invalid argument sides: .*\nUsage: \/roll \[sides\] \[--times <times>\] \[--sum\]$/,
    )
    expect(await say('/pick tea，coffee, water', 'erin', c2cMessage)).toBe('👉 water')
    expect(await say('/pick tea', 'erin', c2cMessage)).toMatch(/^Invalid argument options/)
    expect(await say('/help pick', 'erin', c2cMessage)).toContain('options: comma-separated')
    expect(await say('/flip', 'erin', c2cMessage)).toBe('🪙 tails')
    expect(await say('/help', 'erin', c2cMessage)).toBe(
      [
        'Commands:',
        'dice — Dice and random picks',
        '/roll — Roll dice',
        '/pick — Pick one of the options',
        '',
        'coin — Heads or tails',
        '/flip — Flip a coin',
      ].join('\n'),
    )
    const before = platform.sent.length
    const added = groupAddRobot({ groupOpenid: 'g-new' })
    platform.dispatch(added.t, added.d)
    await platform.waitForSent(before + 1, 5_000)
    expect(platform.sent.at(-1)!.body.content).toContain('/roll 20 --times 3 --sum')
  })
})

describe('examples/dice main', () => {
  it('GIVEN --once THEN the demo, played through the sandbox, prints a roll, a pick, the help text and the button menu, then exits', async () => {
    const { execFileSync } = await import('node:child_process')
    const { fileURLToPath } = await import('node:url')
    const root = fileURLToPath(new URL('../../../', import.meta.url))
    ensureBuilt(['examples/dice'])
    const output = execFileSync('node', ['examples/dice/dist/main.js', '--once'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(output).toMatch(/bot: 🎲 \d+ \+ \d+ \+ \d+ = \d+ \(3 rolled so far\)/)
    expect(output).toMatch(/bot: 👉 (tea|coffee|water)/)
    expect(output).toContain('/roll [sides] [--times <times>] [--sum]')
    expect(output).toContain('[#general (guild channel)] bob: /menu')
    expect(output).toMatch(/bot: ## 🎲 Dice\n.*\[buttons: Roll d6 \| Roll d20 \| Help\]/)
  })
})
