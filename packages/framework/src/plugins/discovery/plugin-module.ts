import { pathToFileURL } from 'node:url'
import { asPlugin, isPlugin, isPluginFactory, type Plugin } from '../define-plugin.js'
import { PluginDiscoveryError } from './discovery-error.js'

/** A plugin and where it was found, so a later error (a name clash) can name both places. */
export interface FoundPlugin {
  plugin: Plugin
  /** Where it came from, for messages: a file, or a package and its entry file. */
  origin: string
}

/** The config a list gave a plugin; `undefined` when it gave none. */
export type PluginConfigInput = unknown

/**
 * Imports an ESM module and returns the plugin it exports (`default`, else `plugin`): a factory is called with
 * `config`; a plugin already configured is taken as it is, and refuses a config.
 */
export async function importPlugin(file: string, config: PluginConfigInput, origin: string): Promise<FoundPlugin> {
  let exports: Record<string, unknown>
  try {
    exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new PluginDiscoveryError(
      'PLUGIN_IMPORT_FAILED',
      `Importing the plugin module ${origin} failed: ${error instanceof Error ? error.message : String(error)}. A plugin module is built ESM JavaScript (run the build first); fix the error above and start again.`,
      { cause: error },
    )
  }
  return { plugin: pluginFromExports(exports, config, origin), origin }
}

/** The plugin a module's exports offer, with `config` applied (see {@link importPlugin}). */
export function pluginFromExports(exports: Record<string, unknown>, config: PluginConfigInput, origin: string): Plugin {
  const exported = [exports.default, exports.plugin].find((value) => isPlugin(value) || isPluginFactory(value))
  if (exported === undefined) {
    const names = Object.keys(exports)
    throw new PluginDiscoveryError(
      'PLUGIN_MODULE_INVALID',
      `${origin} is not a plugin module: neither its default export nor an export named "plugin" is a plugin (it exports ${names.length > 0 ? names.join(', ') : 'nothing'}). Export the result of definePlugin() from @qqbot/framework: export default definePlugin({ name, ... }). Move helper modules out of a plugins folder, or into a subfolder without index.js.`,
    )
  }
  if (isPluginFactory(exported)) return (exported as (input?: unknown) => Plugin)(config)
  if (!isEmptyConfig(config)) {
    const { name } = (exported as Plugin).declaration
    throw new PluginDiscoveryError(
      'PLUGIN_ALREADY_CONFIGURED',
      `${origin} exports the plugin "${name}" already configured, so the config given for it (${JSON.stringify(config)}) cannot be applied. Export the factory instead (export default definePlugin({ ... }), without calling it), or remove the config from the list.`,
    )
  }
  return asPlugin(exported)!
}

/** No config, or `{}`: what a list writes for a plugin it configures with nothing. */
function isEmptyConfig(config: unknown): boolean {
  return (
    config === undefined ||
    config === null ||
    (typeof config === 'object' && !Array.isArray(config) && Object.keys(config).length === 0)
  )
}
