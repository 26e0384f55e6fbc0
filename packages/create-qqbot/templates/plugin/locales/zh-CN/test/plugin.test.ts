import { readFile } from 'node:fs/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { configTable } from '@qqbot/framework'
import { createTestBot, type TestBot } from '@qqbot/testing'
import plugin, { configSchema, Greet } from '../src/index.js'

let bot: TestBot | undefined
afterEach(async () => {
  await bot?.stop()
  bot = undefined
})

/** A test bot with the plugin alone, used with `config` (validated as a bot validates it). */
async function botWith(config: z.input<typeof configSchema> = {}): Promise<TestBot> {
  return createTestBot({
    plugins: [plugin(config)],
    locale: 'zh-CN',
  })
}

describe('{{pluginName}} 插件', () => {
  it('用默认配置在群聊和私聊中问好', async () => {
    bot = await botWith()
    const inGroup = bot.user('alice').inGroup('group-1')
    await inGroup.send('/hello 小明')
    expect(inGroup.lastReply()).toBe('你好，小明！')
    const inPrivate = bot.user('bob').inC2C()
    await inPrivate.send('/hello')
    expect(inPrivate.lastReply()).toBe('你好，朋友！')
  })

  it('使用它的配置', async () => {
    bot = await botWith({ greeting: 'Good morning', shout: true })
    const alice = bot.user('alice').inGroup('group-1')
    await alice.send('/hello Alice')
    expect(alice.lastReply()).toBe('GOOD MORNING，ALICE！')
  })

  it('拒绝错误的配置，并指出出错的字段', () => {
    const result = configSchema.safeParse({ greeting: '' })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['greeting'])
  })

  it('声明名称、适用的框架版本，README 配置表与 schema 一致', async () => {
    expect(plugin.declaration.name).toBe('{{pluginName}}')
    expect(plugin.declaration.compat).toBe('^0.1.0')
    expect(plugin.declaration.controllers).toEqual([Greet])
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    // 修改 schema 后这里会失败：运行 `{{run}} readme`。
    expect(readme).toContain(configTable(configSchema, { locale: 'zh-CN' }))
  })
})
