import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Plugin } from '../define-plugin.js'
import { PluginDiscoveryError } from './discovery-error.js'
import { assertUniqueNames } from './unique-names.js'
import { configure, importPluginModule, type FoundPlugin } from './plugin-module.js'

export interface LoadPluginsFromOptions {
  /** Config per plugin name (`{ dice: { sides: 20 } }`); a plugin without one is used with no config. */
  configs?: Readonly<Record<string, unknown>>
}

/**
 * Imports every plugin module in a folder: each `.js`/`.mjs` file (not `*.test.js`, not starting with `.` or
 * `_`) and each subfolder that has an `index.js`, in name order. Every one must export a plugin; two with one
 * name, or a config for a name not found, fail with a {@link PluginDiscoveryError}.
 */
export async function loadPluginsFrom(folder: string, options: LoadPluginsFromOptions = {}): Promise<Plugin[]> {
  return (await findPluginsIn(resolve(folder), options.configs ?? {}, `the folder ${resolve(folder)}`)).map(
    (found) => found.plugin,
  )
}

/** {@link loadPluginsFrom} with the origins kept; `listedIn` says who asked for the folder, for messages. */
export async function findPluginsIn(
  folder: string,
  configs: Readonly<Record<string, unknown>>,
  listedIn: string,
): Promise<FoundPlugin[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new PluginDiscoveryError(
      'PLUGIN_NOT_FOUND',
      `Cannot read the plugin folder ${folder} (${error.code ?? error.message}), given as ${listedIn}. Build the project first (its plugins are the built .js files), or fix the path.`,
      { cause: error },
    )
  })
  const modules = entries
    .filter((entry) => !/^[._]/.test(entry.name))
    .map((entry) => {
      if (entry.isDirectory())
        return existsSync(join(folder, entry.name, 'index.js')) ? join(entry.name, 'index.js') : undefined
      return /\.m?js$/.test(entry.name) && !/\.(test|spec)\.m?js$/.test(entry.name) ? entry.name : undefined
    })
    .filter((name): name is string => name !== undefined)
    .sort()
  const found: FoundPlugin[] = []
  for (const module of modules) {
    const file = join(folder, module)
    // The config is chosen by the plugin's name, known once the module is imported.
    const pluginExport = await importPluginModule(file, `${file} (in ${listedIn})`)
    found.push(
      configure(pluginExport, Object.hasOwn(configs, pluginExport.name) ? configs[pluginExport.name] : undefined),
    )
  }
  assertUniqueNames(found)
  const unmatched = Object.keys(configs).filter((name) => !found.some((each) => each.plugin.declaration.name === name))
  if (unmatched.length > 0) {
    throw new PluginDiscoveryError(
      'PLUGIN_CONFIG_UNMATCHED',
      `${listedIn} has a config for ${unmatched.map((name) => `"${name}"`).join(', ')}, but the folder ${folder} has no plugin of that name (it has ${found.map((each) => `"${each.plugin.declaration.name}"`).join(', ') || 'none'}). Fix the name (a plugin's name is the one given to definePlugin), or remove the config.`,
    )
  }
  return found
}
