import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { Arg, Command, Controller, GuildAdminOnly, type BotOptions } from '@qqbot/framework'
import { createIntegrationBot, type IntegrationBot } from '@qqbot/testing'
import { captureLogs } from '../packages/core/src/logging/test-log-capture.js'

@Controller()
class Dice {
  @Command('roll', { aliases: ['r'], description: 'Roll a die, any number of faces you like, up to a thousand' })
  roll(@Arg('sides', z.coerce.number().default(6)) sides: number) {
    return String(sides)
  }
}

@Controller({ scenes: ['guild'] })
class Moderation {
  @Command('mute', { description: 'Mute a member' })
  @GuildAdminOnly()
  mute() {
    return 'muted'
  }
}

@Controller({ scenes: ['c2c'] })
class Settings {
  @Command('notificationsettings', { aliases: ['notify', 'n'], description: 'Notification settings' })
  notifications() {
    return 'ok'
  }

  @Command('一个非常长的中文命令名', { description: 'Too wide for a panel' })
  wide() {
    return 'wide'
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function platformForTest(): Promise<FakePlatform> {
  const platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
  cleanups.push(() => platform.close())
  return platform
}

async function botOn(
  platform: FakePlatform,
  controllers: BotOptions['controllers'],
  logDestination?: NodeJS.WritableStream,
) {
  const integration: IntegrationBot = await createIntegrationBot({
    platform,
    controllers,
    panels: 'sync',
    help: false,
    ...(logDestination && { logLevel: 'info' as const, logDestination }),
  })
  cleanups.push(() => integration.close())
  return integration
}

describe("createBot({ panels: 'sync' })", () => {
  it('GIVEN commands in every scene THEN each scope gets one panel: typed names, shortened descriptions, admin-only from the guard, too-wide names left off with a warning', async () => {
    const platform = await platformForTest()
    const logs = captureLogs<{ msg: string; command?: string }>()
    await botOn(platform, [Dice, Moderation, Settings], logs.destination)

    const items = (scope: 'group' | 'c2c' | 'channel' | 'dm') =>
      platform.panels.list(scope).map((panel) => panel.panel.items)
    const roll = { name: '/roll', desc: 'Roll a die, any number of fac…', type: 'command' }
    expect(items('group')).toEqual([[roll]])
    expect(items('dm')).toEqual([[roll]])
    expect(items('channel')).toEqual([
      [roll, { name: '/mute', desc: 'Mute a member', type: 'command', only_admin: true }],
    ])
    expect(items('c2c')).toEqual([[roll, { name: '/notify', desc: 'Notification settings', type: 'command' }]])
    expect(platform.panels.list().every((panel) => panel.panel.remark === 'qqbot:commands')).toBe(true)
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        command: '一个非常长的中文命令名',
        msg: expect.stringContaining('not on the command panel'),
      }),
    )
  })

  it('GIVEN a restart with the same commands THEN no panel is written; GIVEN a new command THEN the same panels are updated with a new version', async () => {
    const platform = await platformForTest()
    const first = await botOn(platform, [Dice])
    await first.close()
    expect(platform.panels.writes).toHaveLength(4)

    const second = await botOn(platform, [Dice])
    await second.close()
    expect(platform.panels.writes).toHaveLength(4)

    await botOn(platform, [Dice, Settings])
    expect(platform.panels.writes.slice(4).map((write) => write.action)).toEqual(['update'])
    expect(platform.panels.list('c2c')).toHaveLength(1)
    expect(platform.panels.list('c2c')[0]).toMatchObject({ version: 2 })
  })

  it('GIVEN the platform refuses panels THEN the bot still starts and answers commands', async () => {
    const platform = await platformForTest()
    platform.failFor({ path: /^\/v2\/panels/ }, { status: 400, body: { code: 40030018, message: 'not supported' } })
    const logs = captureLogs<{ msg: string }>()
    const integration = await botOn(platform, [Dice], logs.destination)
    const replies = await integration.deliver(groupAtMessage({ content: '/roll 20' }))
    expect(replies.map((reply) => reply.body.content)).toEqual(['20'])
    expect(platform.panels.size).toBe(0)
    expect(logs.lines.filter((line) => line.msg.startsWith('could not sync the command panel'))).toHaveLength(4)
  })
})
