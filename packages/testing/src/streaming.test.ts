import { afterEach, describe, expect, it } from 'vitest'
import { Command, Controller } from '@qqbot/framework'
import { createTestBot, type TestBot } from './index.js'

@Controller()
class Chunks {
  @Command('ask')
  async *ask(): AsyncGenerator<string> {
    yield 'Hello'
    yield ' world'
  }
}

let bot: TestBot | undefined
afterEach(async () => {
  await bot?.stop()
  bot = undefined
})

describe('streamed replies in createTestBot', () => {
  it('GIVEN a command returning chunks THEN the fake API (no stream endpoint) gets one ordinary reply with the whole answer; the typing indicator is no reply', async () => {
    bot = await createTestBot({ controllers: [Chunks] })
    const c2c = bot.user('alice').inC2C()
    expect((await c2c.send('/ask')).map((reply) => reply.text)).toEqual(['Hello world'])
    expect(bot.api.calls.some((call) => (call.body as { msg_type?: number } | undefined)?.msg_type === 6)).toBe(true)
    const group = bot.user('alice').inGroup('g1')
    expect((await group.send('/ask')).map((reply) => reply.text)).toEqual(['Hello world'])
  })
})
