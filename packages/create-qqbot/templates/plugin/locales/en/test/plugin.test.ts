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
    locale: 'en',
  })
}

describe('{{pluginName}} plugin', () => {
  it('greets with the default config in a group and in a private chat', async () => {
    bot = await botWith()
    const inGroup = bot.user('alice').inGroup('group-1')
    await inGroup.send('/hello Alice')
    expect(inGroup.lastReply()).toBe('Hello, Alice!')
    const inPrivate = bot.user('bob').inC2C()
    await inPrivate.send('/hello')
    expect(inPrivate.lastReply()).toBe('Hello, friend!')
  })

  it('uses its config', async () => {
    bot = await botWith({ greeting: 'Good morning', shout: true })
    const alice = bot.user('alice').inGroup('group-1')
    await alice.send('/hello Alice')
    expect(alice.lastReply()).toBe('GOOD MORNING, ALICE!')
  })

  it('refuses a bad config with the field that is wrong', () => {
    const result = configSchema.safeParse({ greeting: '' })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['greeting'])
  })

  it('declares its name, its framework versions and a README table that matches the schema', async () => {
    expect(plugin.declaration.name).toBe('{{pluginName}}')
    expect(plugin.declaration.compat).toBe('^0.1.0')
    expect(plugin.declaration.controllers).toEqual([Greet])
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
    // Out of date after a change to the schema: run `{{run}} readme`.
    expect(readme).toContain(configTable(configSchema, { locale: 'en' }))
  })
})
