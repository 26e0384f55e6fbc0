import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { Command, Controller, createBot, type Bot } from '@qqbot/framework'
import { captureLogs } from '../packages/core/src/logging/test-log-capture.js'

@Controller()
class Ping {
  @Command('ping')
  ping() {
    return 'pong'
  }
}

let platform: FakePlatform | undefined
let bot: Bot | undefined
afterEach(async () => {
  await bot?.stop()
  await platform?.close()
  bot = platform = undefined
})

describe('bot.start()', () => {
  it('GIVEN a rejected secret THEN start() fails with the token error alone, without an unrelated warning first', async () => {
    platform = await startFakePlatform()
    const { lines, destination } = captureLogs<{ msg: string }>()
    bot = createBot({
      appId: platform.appId,
      secret: 'not-the-secret',
      hosts: { api: platform.url },
      controllers: [Ping],
      logLevel: 'warn',
      logDestination: destination,
    })
    await expect(bot.start()).rejects.toMatchObject({ code: 'TOKEN_REQUEST_FAILED', platformCode: 100016 })
    expect(lines.map((line) => line.msg)).not.toContainEqual(expect.stringContaining('@mentions'))
  })
})
