import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Plugin } from '../define-plugin.js'
import { PluginDiscoveryError } from './discovery-error.js'
import { findListed, type PluginList } from './plugin-list.js'
import type { FoundPlugin } from './plugin-module.js'
import { assertUniqueNames } from './unique-names.js'

/** What `qqbot.config.js` exports by default: `export default { plugins: [...] } satisfies QqbotConfig`. */
export interface QqbotConfig {
  /** The plugins to load, with their configs (see {@link PluginList}). */
  plugins?: PluginList
}

export interface DiscoverPluginsOptions {
  /** The project folder: its package.json and config file are read, and packages found from it. Default `process.cwd()`. */
  root?: string | URL
  /**
   * The config module, relative to `root`. Default: the first of {@link CONFIG_FILES} that exists (none is
   * fine: then only package.json lists plugins).
   */
  configFile?: string
}

/** Where {@link discoverPlugins} looks for the config module, in order; `dist/` is where tsc puts a `src/qqbot.config.ts`. */
export const CONFIG_FILES = ['qqbot.config.js', 'qqbot.config.mjs', 'dist/qqbot.config.js'] as const

/**
 * The plugins a project lists, imported and configured: `"qqbot": { "plugins": { … } }` in its package.json,
 * then the `plugins` of its `qqbot.config.js`. Pass them to `createBot({ plugins })`. Every failure is a
 * {@link PluginDiscoveryError} naming the file or package, what was wrong and what to do.
 */
export async function discoverPlugins(options: DiscoverPluginsOptions = {}): Promise<Plugin[]> {
  const root = resolve(options.root instanceof URL ? fileURLToPath(options.root) : (options.root ?? process.cwd()))
  const manifestPath = join(root, 'package.json')
  const found: FoundPlugin[] = await findListed(await packageJsonList(manifestPath), {
    baseDir: root,
    root,
    listedIn: `${manifestPath} "qqbot.plugins"`,
  })
  const configPath = configFileOf(root, options.configFile)
  if (configPath !== undefined) {
    found.push(
      ...(await findListed(await configModuleList(configPath), {
        baseDir: dirname(configPath),
        root,
        listedIn: `${configPath} "plugins"`,
      })),
    )
  }
  assertUniqueNames(found)
  return found.map((each) => each.plugin)
}

async function packageJsonList(path: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return undefined
  }
  let manifest: { qqbot?: { plugins?: unknown } }
  try {
    manifest = JSON.parse(text) as typeof manifest
  } catch (error) {
    throw new PluginDiscoveryError(
      'PLUGIN_LIST_INVALID',
      `${path} is not valid JSON (${(error as Error).message}); fix it to read its "qqbot.plugins".`,
      { cause: error },
    )
  }
  return manifest.qqbot?.plugins
}

function configFileOf(root: string, configFile: string | undefined): string | undefined {
  if (configFile === undefined) return CONFIG_FILES.map((file) => join(root, file)).find((path) => existsSync(path))
  const path = resolve(root, configFile)
  if (!existsSync(path)) {
    throw new PluginDiscoveryError(
      'PLUGIN_NOT_FOUND',
      `The config file ${path} (configFile: ${JSON.stringify(configFile)}) does not exist. Build the project first if it is compiled from qqbot.config.ts, or fix the path (relative to ${root}).`,
    )
  }
  return path
}

async function configModuleList(path: string): Promise<unknown> {
  let module: { default?: unknown }
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown }
  } catch (error) {
    throw new PluginDiscoveryError(
      'PLUGIN_IMPORT_FAILED',
      `Importing the config file ${path} failed: ${error instanceof Error ? error.message : String(error)}. Fix it and start again.`,
      { cause: error },
    )
  }
  const config = module.default
  if (typeof config !== 'object' || config === null) {
    throw new PluginDiscoveryError(
      'PLUGIN_LIST_INVALID',
      `${path} has no default export object; write export default { plugins: [...] } (typed with QqbotConfig from @qqbot/framework).`,
    )
  }
  return (config as QqbotConfig).plugins
}
