import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { asPlugin, type AnyPluginFactory, type Plugin } from '../define-plugin.js'
import { PluginDiscoveryError } from './discovery-error.js'
import { findPluginsIn } from './plugin-folder.js'
import { importPlugin, type FoundPlugin } from './plugin-module.js'
import { isPackageName, resolvePluginPackage } from './plugin-package.js'

/**
 * One entry of a plugin list: a plugin (imported and configured in code), a factory (used with no config), a
 * package name or a path (`./plugins/echo.js`, or a folder of plugins) used with no config, or one with its config.
 */
export type PluginListEntry = Plugin | AnyPluginFactory | string | readonly [specifier: string, config: unknown]

/**
 * A plugin list: entries in order, or, as in package.json `"qqbot": { "plugins": { … } }`, package names and
 * paths mapped to their configs (`false` leaves one out). A folder's config maps its plugins' names to theirs.
 */
export type PluginList = readonly PluginListEntry[] | Readonly<Record<string, unknown>>

/** Where a list is: paths in it are relative to `baseDir`; packages are looked up from `root`; `listedIn` names it. */
export interface ListLocation {
  baseDir: string
  root: string
  listedIn: string
}

/** Imports every plugin a list names, in order. */
export async function findListed(list: unknown, location: ListLocation): Promise<FoundPlugin[]> {
  const found: FoundPlugin[] = []
  for (const [index, entry] of entriesOf(list, location.listedIn)) {
    const plugin = asPlugin(entry)
    if (plugin) {
      found.push({ plugin, origin: `entry ${index} of ${location.listedIn}` })
      continue
    }
    const [specifier, config] = Array.isArray(entry) ? (entry as [unknown, unknown]) : [entry, undefined]
    if (typeof specifier !== 'string') throw invalidEntry(index, entry, location.listedIn)
    if (config === false) continue
    // `true` and `null` read as "on, with no config" (JSON has no undefined).
    found.push(...(await findSpecified(specifier, config === true || config === null ? undefined : config, location)))
  }
  return found
}

function entriesOf(list: unknown, listedIn: string): [index: string, entry: unknown][] {
  if (list === undefined) return []
  if (Array.isArray(list)) return list.map((entry, index) => [String(index), entry])
  if (typeof list === 'object' && list !== null)
    return Object.entries(list).map(([key, config]) => [key, [key, config]])
  throw new PluginDiscoveryError(
    'PLUGIN_LIST_INVALID',
    `The plugin list in ${listedIn} is ${JSON.stringify(list)}; expected an object of package names and paths with their configs ({ "qqbot-plugin-dice": { "sides": 20 } }), or in qqbot.config.js an array.`,
  )
}

function invalidEntry(index: string, entry: unknown, listedIn: string): PluginDiscoveryError {
  return new PluginDiscoveryError(
    'PLUGIN_LIST_INVALID',
    `Entry ${index} of ${listedIn} is ${typeof entry === 'function' ? 'a function that is not a plugin factory' : JSON.stringify(entry)}; expected a plugin, a package name or path, or [package name or path, config].`,
  )
}

async function findSpecified(specifier: string, config: unknown, location: ListLocation): Promise<FoundPlugin[]> {
  const { baseDir, root, listedIn } = location
  if (isPath(specifier)) {
    const path = resolve(baseDir, specifier)
    const origin = `${specifier} (${path}, listed in ${listedIn})`
    const info = await stat(path).catch(() => undefined)
    if (!info) {
      throw new PluginDiscoveryError(
        'PLUGIN_NOT_FOUND',
        `The plugin ${origin} does not exist. Paths in a list are relative to the file that lists them and name built JavaScript: build the project first (npm run build), or fix the path.`,
      )
    }
    if (info.isFile()) return [await importPlugin(path, config, origin)]
    if (existsSync(join(path, 'index.js'))) return [await importPlugin(join(path, 'index.js'), config, origin)]
    return findPluginsIn(path, folderConfigs(config, origin), `the folder ${origin}`)
  }
  if (isPackageName(specifier)) {
    const file = await resolvePluginPackage(specifier, root, listedIn)
    return [await importPlugin(file, config, `the package ${specifier} (${file}, listed in ${listedIn})`)]
  }
  throw new PluginDiscoveryError(
    'PLUGIN_LIST_INVALID',
    `"${specifier}" in ${listedIn} is neither a path nor an npm package name. Start a path with ./ (./plugins/echo.js); write a package as its name (qqbot-plugin-dice, @team/qqbot-plugin-dice).`,
  )
}

function isPath(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || isAbsolute(specifier)
}

function folderConfigs(config: unknown, origin: string): Record<string, unknown> {
  if (config === undefined || config === null || config === true) return {}
  if (typeof config === 'object' && !Array.isArray(config)) return config as Record<string, unknown>
  throw new PluginDiscoveryError(
    'PLUGIN_LIST_INVALID',
    `The config of the plugin folder ${origin} is ${JSON.stringify(config)}; a folder's config maps its plugins' names to their configs ({ "echo": { "prefix": ">" } }).`,
  )
}
