import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AnyPluginFactory, Plugin } from './define-plugin.js'
import { connectDevReload, type DevReloadMessage } from './dev-reload.js'
import { PluginDiscoveryError } from './discovery/discovery-error.js'

/** Fixture modules build their plugins with the real definePlugin (this checkout's source). */
const DEFINE_PLUGIN = pathToFileURL(new URL('./define-plugin.ts', import.meta.url).pathname).href

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qqbot-dev-reload-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** coin.js: the coin plugin; dice.js: the dice plugin, re-exporting coin (as the dice example does). */
async function writeModules(coinVersion: string, diceVersion: string) {
  const header = `import { definePlugin } from '${DEFINE_PLUGIN}'\n`
  await writeFile(
    join(root, 'coin.js'),
    `${header}export const coin = definePlugin({ name: 'coin', description: '${coinVersion}' })\n`,
  )
  await writeFile(
    join(root, 'dice.js'),
    `${header}export { coin } from './coin.js'\nexport const dice = definePlugin({ name: 'dice', description: '${diceVersion}' })\n`,
  )
}

/** What the fixture modules export. */
interface Exports {
  dice: (input: unknown) => Plugin
  coin: AnyPluginFactory
}
const importModule = async (file: string) => (await import(pathToFileURL(join(root, file)).href)) as Exports

/** A bot that records what it reloads, and a channel the test talks to as qqbot-dev would. */
function harness() {
  const reloaded: Plugin[] = []
  const sent: DevReloadMessage[] = []
  let listener: ((message: Partial<DevReloadMessage>) => void) | undefined
  const bot = {
    plugins: { reload: async (plugin: unknown) => void reloaded.push(plugin as Plugin) },
    client: { logger: { info: () => undefined } },
  }
  const channel = {
    send: (message: DevReloadMessage) => sent.push(message),
    onMessage: (each: typeof listener) => (listener = each),
  }
  /** Sends a reload request and resolves with the bot's answer. */
  const reload = async (...files: string[]) => {
    const before = sent.length
    listener!({ qqbotDev: 'reload', files: files.map((file) => join(root, file)) })
    const deadline = Date.now() + 10_000
    while (sent.length === before) {
      if (Date.now() > deadline) throw new Error('no answer to the reload')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return sent.at(-1)!
  }
  return { bot, channel, reloaded, sent, reload }
}

describe('connectDevReload', () => {
  it('GIVEN a rebuilt plugin module THEN only the plugins whose code it brings are reloaded, with their configs', async () => {
    await writeModules('coin 1', 'dice 1')
    const { dice, coin } = await importModule('dice.js')
    const { bot, channel, reloaded, sent, reload } = harness()
    const plugins = [dice({ sides: 20 }), coin]
    const onReload: { name: string; generation: number }[] = []

    await connectDevReload(
      bot,
      {
        plugins,
        modules: [join(root, 'dice.js'), pathToFileURL(join(root, 'coin.js'))],
        onReload: (r) => onReload.push(r),
      },
      channel,
    )
    expect(sent).toEqual([{ qqbotDev: 'plugin-modules', files: [join(root, 'dice.js'), join(root, 'coin.js')] }])

    await writeModules('coin 2', 'dice 1')
    expect(await reload('coin.js')).toMatchObject({ qqbotDev: 'reloaded', plugins: ['coin'], generation: 1 })
    expect(reloaded.map((p) => [p.declaration.description, p.input])).toEqual([['coin 2', undefined]])

    // dice.js re-exports coin from the cached coin.js: that older coin must not replace coin 2.
    await writeModules('coin 2', 'dice 2')
    expect(await reload('dice.js')).toMatchObject({ qqbotDev: 'reloaded', plugins: ['dice'], generation: 2 })
    expect(reloaded.map((p) => [p.declaration.description, p.input])).toEqual([
      ['coin 2', undefined],
      ['dice 2', { sides: 20 }],
    ])
    expect(onReload).toEqual([
      { name: 'coin', generation: 1 },
      { name: 'dice', generation: 2 },
    ])
  })

  it('GIVEN a rebuilt module that throws on import THEN the answer is a failure and nothing is reloaded', async () => {
    await writeModules('coin 1', 'dice 1')
    const { coin } = await importModule('coin.js')
    const { bot, channel, reloaded, reload } = harness()
    await connectDevReload(bot, { plugins: [coin], modules: [join(root, 'coin.js')] }, channel)

    await writeFile(join(root, 'coin.js'), 'throw new Error("boom at import")\n')
    const answer = await reload('coin.js')
    expect(answer.qqbotDev).toBe('reload-failed')
    expect(answer).toMatchObject({ message: expect.stringContaining('boom at import') })
    expect(reloaded).toEqual([])
  })

  it('GIVEN a module that exports none of the bot plugins THEN it fails naming the file', async () => {
    await writeModules('coin 1', 'dice 1')
    await writeFile(join(root, 'util.js'), 'export const util = 1\n')
    const { coin } = await importModule('coin.js')
    const { bot, channel } = harness()
    const error = await connectDevReload(bot, { plugins: [coin], modules: [join(root, 'util.js')] }, channel).catch(
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(PluginDiscoveryError)
    expect((error as PluginDiscoveryError).code).toBe('PLUGIN_MODULE_INVALID')
    expect((error as Error).message).toContain(join(root, 'util.js'))
  })
})
