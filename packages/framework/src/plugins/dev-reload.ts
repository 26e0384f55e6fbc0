import { fileURLToPath, pathToFileURL } from 'node:url'
import { asPlugin, isPlugin, isPluginFactory, type AnyPluginFactory, type Plugin } from './define-plugin.js'
import { PluginDiscoveryError } from './discovery/discovery-error.js'
import { pluginModuleFile } from './discovery/plugin-module.js'
import type { PluginHost } from './plugin-host.js'

/**
 * What `qqbot-dev` and a bot under it say over the IPC channel (the runner's side is in
 * packages/sandbox/src/dev/reload-protocol.ts; docs/plugins.md, "Reload in development").
 */
export type DevReloadMessage =
  | { qqbotDev: 'plugin-modules'; files: string[] }
  | { qqbotDev: 'reload'; files: string[] }
  | { qqbotDev: 'reloaded'; plugins: string[]; generation: number; rss: number }
  | { qqbotDev: 'reload-failed'; message: string }

/** Set by `qqbot-dev` in the bot's environment, beside the IPC channel. */
export const DEV_RELOAD_ENV = 'QQBOT_DEV_RELOAD'

export interface DevReloadOptions {
  /** The plugins as given to `createBot({ plugins })`: their configs are kept across reloads. */
  plugins: readonly (Plugin | AnyPluginFactory)[]
  /**
   * The built module files (paths or `file:` URLs) that export those plugins, e.g.
   * `new URL('./dice-plugin.js', import.meta.url)`. Plugins found by `discoverPlugins` need none.
   */
  modules?: readonly (string | URL)[]
  /** Called after each plugin reloaded in place, e.g. to show it in the sandbox. */
  onReload?: (reloaded: { name: string; generation: number }) => void
}

/** What the bot needs: its plugin host, and a logger. */
interface ReloadableBot {
  readonly plugins: Pick<PluginHost, 'reload'>
  readonly client: { readonly logger: { info(fields: object, message: string): void } }
}

interface Tracked {
  input: unknown
  /** The declaration of the code running now: a re-import exporting another one brings new code. */
  declaration: object
}

/**
 * Under `qqbot-dev`, reloads a plugin in place when the file its code was imported from is rebuilt: the runner
 * sends the changed files, the bot imports each again (a new module: a cache-busting query) and
 * `bot.plugins.reload`s the plugins whose code it brings, with their configs. Outside `qqbot-dev` it does
 * nothing. Resolves to whether it is active. Call it after `bot.start()`.
 */
export async function enableDevReload(bot: ReloadableBot, options: DevReloadOptions): Promise<boolean> {
  const send = process.send?.bind(process)
  if (send === undefined || process.env[DEV_RELOAD_ENV] !== '1') return false
  await connectDevReload(bot, options, {
    send,
    onMessage: (listener) => process.on('message', listener),
  })
  // The channel must not keep a bot that stopped from exiting.
  process.channel?.unref()
  return true
}

/** The IPC channel to `qqbot-dev`, as {@link connectDevReload} uses it (the process's own, or a test's). */
export interface DevReloadChannel {
  send(message: DevReloadMessage): unknown
  onMessage(listener: (message: Partial<DevReloadMessage>) => void): unknown
}

/** {@link enableDevReload} over a given channel: registers the plugin modules, then reloads on request. */
export async function connectDevReload(
  bot: ReloadableBot,
  options: DevReloadOptions,
  channel: DevReloadChannel,
): Promise<void> {
  const send = (message: DevReloadMessage) => channel.send(message)

  const tracked = new Map<string, Tracked>()
  for (const value of options.plugins) {
    const plugin = asPlugin(value)
    if (plugin) tracked.set(plugin.declaration.name, { input: plugin.input, declaration: plugin.declaration })
  }
  // Every declaration imported so far: a module imported again re-exports, unchanged, what it imports from
  // modules that did not change, and those must not replace code that was reloaded since.
  const seen = new WeakSet<object>([...tracked.values()].map((each) => each.declaration))
  const files = new Set<string>()
  for (const value of options.plugins) {
    const file = pluginModuleFile(value)
    if (file) files.add(file)
  }
  for (const module of options.modules ?? []) {
    const file = module instanceof URL || module.startsWith('file:') ? fileURLToPath(module) : module
    const exported = pluginExports(await import(pathToFileURL(file).href))
    if (!exported.some((each) => tracked.get(each.declaration.name)?.declaration === each.declaration)) {
      throw new PluginDiscoveryError(
        'PLUGIN_MODULE_INVALID',
        `enableDevReload: ${file} exports none of the bot's plugins (${[...tracked.keys()].join(', ')}). List the built modules that define the plugins given to createBot.`,
      )
    }
    files.add(file)
  }

  let generation = 0
  let queue = Promise.resolve()
  const reload = async (changed: readonly string[]) => {
    generation++
    const reloaded: string[] = []
    for (const file of changed) {
      const exports = await import(`${pathToFileURL(file).href}?qqbot-dev=${generation}`)
      for (const exported of pluginExports(exports)) {
        const current = tracked.get(exported.declaration.name)
        if (!current || seen.has(exported.declaration)) continue
        seen.add(exported.declaration)
        const plugin = isPluginFactory(exported) ? (exported as (input?: unknown) => Plugin)(current.input) : exported
        await bot.plugins.reload(plugin)
        current.declaration = exported.declaration
        reloaded.push(exported.declaration.name)
      }
    }
    if (reloaded.length === 0) throw new Error(`no plugin's code changed in ${changed.join(', ')}`)
    for (const name of reloaded) {
      bot.client.logger.info({ plugin: name, generation }, `plugin ${name} reloaded (v${generation})`)
      options.onReload?.({ name, generation })
    }
    send({ qqbotDev: 'reloaded', plugins: reloaded, generation, rss: process.memoryUsage().rss })
  }
  channel.onMessage((message) => {
    if (message.qqbotDev !== 'reload' || !Array.isArray(message.files)) return
    const changed = message.files
    queue = queue
      .then(() => reload(changed))
      .catch((error: unknown) => {
        send({ qqbotDev: 'reload-failed', message: error instanceof Error ? error.message : String(error) })
      })
  })
  send({ qqbotDev: 'plugin-modules', files: [...files] })
}

/** The plugins and factories a module exports, under any name. */
function pluginExports(exports: Record<string, unknown>): (Plugin | AnyPluginFactory)[] {
  return Object.values(exports).filter(
    (value): value is Plugin | AnyPluginFactory => isPlugin(value) || isPluginFactory(value),
  )
}
