import { afterEach, describe, expect, it } from 'vitest'
import { createTestBot, type TestBot } from '@qqbot/testing'
import { controllers, locale, providers } from '../src/bot.js'
import { RandomService } from '../src/services/random.js'

/** 总是掷出最大的点数，让回复可以预测。 */
class HighestRoll extends RandomService {
  override int(_min: number, max: number): number {
    return max
  }
}

let bot: TestBot | undefined
afterEach(async () => {
  await bot?.stop()
  bot = undefined
})

describe('{{name}} 的命令', () => {
  it('在群聊和单聊中都用 pong 回复 /ping', async () => {
    bot = await createTestBot({ controllers, providers, locale })
    const inGroup = bot.user('alice').inGroup('group-1')
    await inGroup.send('/ping')
    expect(inGroup.lastReply()).toBe('pong')
    const inPrivate = bot.user('alice').inC2C()
    await inPrivate.send('ping')
    expect(inPrivate.lastReply()).toBe('pong')
  })

  it('用注入的随机服务掷骰子，校验参数，并按用户冷却', async () => {
    bot = await createTestBot({
      controllers,
      providers: [...providers, { token: RandomService, useClass: HighestRoll }],
      locale,
    })
    const alice = bot.user('alice').inGroup('group-1')
    await alice.send('/roll 20')
    expect(alice.lastReply()).toBe('🎲 20（20 面骰）')
    await alice.send('/roll')
    expect(alice.lastReply()).toContain('请 3 秒后再试')

    const bob = bot.user('bob').inGroup('group-1')
    await bob.send('/r')
    expect(bob.lastReply()).toBe('🎲 6（6 面骰）')

    const carol = bot.user('carol').inC2C()
    await carol.send('/roll 1')
    expect(carol.lastReply()).toContain('参数 sides 无效')
  })

  it('/help 列出命令及其说明', async () => {
    bot = await createTestBot({ controllers, providers, locale })
    const alice = bot.user('alice').inC2C()
    await alice.send('/帮助')
    expect(alice.lastReply()).toContain('/ping — 检查机器人是否在线')
    expect(alice.lastReply()).toContain('/roll — 掷一个骰子')
    await alice.send('/帮助 roll')
    expect(alice.lastReply()).toContain('sides: 骰子的面数')
  })
})
