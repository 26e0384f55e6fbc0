import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { Command, Controller, createBot, type Bot } from '@qqbot/framework'

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

function logLines() {
  const lines: { msg: string }[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string })
      callback()
    },
  })
  return { lines, stream }
}

describe('bot.start()', () => {
  it('GIVEN a rejected secret THEN start() fails with the token error alone, without an unrelated warning first', async () => {
    platform = await startFakePlatform()
    const { lines, stream } = logLines()
    bot = createBot({
      appId: platform.appId,
      secret: 'not-the-secret',
      hosts: { api: platform.url },
      controllers: [Ping],
      logLevel: 'warn',
      logDestination: stream,
    })
    await expect(bot.start()).rejects.toMatchObject({ code: 'TOKEN_REQUEST_FAILED', platformCode: 100016 })
    expect(lines.map((line) => line.msg)).not.toContainEqual(expect.stringContaining('@mentions'))
  })
})
