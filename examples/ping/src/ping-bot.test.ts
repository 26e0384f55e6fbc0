import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  c2cMessage,
  directMessage,
  groupAtMessage,
  guildAtMessage,
  startFakePlatform,
  type FakePlatform,
} from '@qqbot/fake-platform'
import type { QQBotClient } from '@qqbot/core'
import { answerFor, createPingBot } from './ping-bot.js'

describe('answerFor', () => {
  it.each([
    ['/ping', 'pong'],
    ['<@!123> /ping', 'pong'],
    [' /ping 42', 'pong 42'],
    ['/ping  two words ', 'pong two words'],
    ['/pingpong', undefined],
    ['hello /ping', undefined],
    ['', undefined],
  ])('GIVEN %j THEN %j', (content, answer) => {
    expect(answerFor(content)).toBe(answer)
  })
})

describe('the ping bot on the fake platform', () => {
  let platform: FakePlatform | undefined
  let bot: QQBotClient | undefined
  afterEach(async () => {
    await bot?.stop()
    await platform?.close()
  })

  it('GIVEN /ping in every scene THEN it answers each where it came from, as a passive reply', async () => {
    platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
    bot = createPingBot({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      gateway: { identifyIntervalMs: 0 },
    })
    await bot.start()
    const events = [
      guildAtMessage({ content: '/ping' }),
      directMessage({ content: '/ping dm' }),
      groupAtMessage({ content: '/ping 1' }),
      c2cMessage({ content: '/ping 2' }),
    ]
    for (const event of events) platform.dispatch(event.t, event.d)
    const sent = await platform.waitForSent(4)
    const byScene = Object.fromEntries(sent.map((message) => [message.scene, message]))
    expect(byScene.guild?.body).toMatchObject({ content: 'pong', msg_id: (events[0]!.d as { id: string }).id })
    expect(byScene.dm?.body).toMatchObject({ content: 'pong dm', msg_id: (events[1]!.d as { id: string }).id })
    expect(byScene.group?.body).toMatchObject({ content: 'pong 1', msg_type: 0, msg_seq: 1 })
    expect(byScene.c2c?.body).toMatchObject({ content: 'pong 2', msg_type: 0, msg_seq: 1 })
    expect(byScene.c2c?.target).toBe((events[3]!.d as { author: { user_openid: string } }).author.user_openid)
  })
})

describe('npm start (examples/ping main)', () => {
  it('GIVEN --once THEN it prints the bot answering in every scene and exits', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url))
    execFileSync('npx', ['tsc', '-b', 'examples/ping'], { cwd: root, stdio: 'pipe' })
    const output = execFileSync('node', ['examples/ping/dist/main.js', '--once'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(output).toMatch(/\[guild channel\]\s+bot: pong/)
    expect(output).toMatch(/\[guild DM\]\s+bot: pong are you there\?/)
    expect(output).toMatch(/\[group\]\s+bot: pong 42/)
    expect(output).toMatch(/\[C2C\]\s+bot: pong/)
    expect(output).toMatch(/not a command\n.*\(no reply\)/)
  })
})
