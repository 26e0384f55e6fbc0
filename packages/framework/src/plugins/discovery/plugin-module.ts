import { pathToFileURL } from 'node:url'
import { isPlugin, isPluginFactory, type Plugin, type PluginFactory } from '../define-plugin.js'
import { PluginDiscoveryError } from './discovery-error.js'

/** A plugin and where it was found, so a later error (a name clash) can name both places. */
export interface FoundPlugin {
  plugin: Plugin
  /** Where it came from, for messages: a file, or a package and its entry file. */
  origin: string
}

/** What a plugin module exports (`default`, else `plugin`): a factory, or a plugin already configured. */
export interface PluginExport {
  exported: Plugin | PluginFactory<never>
  /** The plugin's declared name. */
  name: string
  origin: string
  /** The module file it was imported from. */
  file: string
}

/** The module file each discovered plugin came from (by its declaration, shared by a factory and its plugins). */
const moduleFiles = new WeakMap<object, string>()

/** The file a plugin was imported from by discovery, if it was: `enableDevReload` re-imports it on a rebuild. */
export function pluginModuleFile(plugin: { readonly declaration: object }): string | undefined {
  return moduleFiles.get(plugin.declaration)
}

/** Imports an ESM plugin module and finds its plugin export; {@link configure} then applies a config. */
export async function importPluginModule(file: string, origin: string): Promise<PluginExport> {
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
  const exported = [exports.default, exports.plugin].find((value) => isPlugin(value) || isPluginFactory(value))
  if (exported === undefined) {
    const names = Object.keys(exports)
    throw new PluginDiscoveryError(
      'PLUGIN_MODULE_INVALID',
      `${origin} is not a plugin module: neither its default export nor an export named "plugin" is a plugin (it exports ${names.length > 0 ? names.join(', ') : 'nothing'}). Export the result of definePlugin() from @qqbot/framework: export default definePlugin({ name, ... }). Move helper modules out of a plugins folder, or into a subfolder without index.js.`,
    )
  }
  const plugin = exported as Plugin | PluginFactory<never>
  moduleFiles.set(plugin.declaration, file)
  return { exported: plugin, name: plugin.declaration.name, origin, file }
}

/**
 * The plugin with the config a list gave it (`undefined`: none): a factory is called with it; a plugin already
 * configured is taken as it is, and refuses a config.
 */
export function configure({ exported, name, origin }: PluginExport, config: unknown): FoundPlugin {
  if (isPluginFactory(exported)) return { plugin: (exported as unknown as (input?: unknown) => Plugin)(config), origin }
  if (!isEmptyConfig(config)) {
    throw new PluginDiscoveryError(
      'PLUGIN_ALREADY_CONFIGURED',
      `${origin} exports the plugin "${name}" already configured, so the config given for it (${JSON.stringify(config)}) cannot be applied. Export the factory instead (export default definePlugin({ ... }), without calling it), or remove the config from the list.`,
    )
  }
  return { plugin: exported as Plugin, origin }
}

/** Imports a plugin module and configures its plugin. */
export async function importPlugin(file: string, config: unknown, origin: string): Promise<FoundPlugin> {
  return configure(await importPluginModule(file, origin), config)
}

/** No config, or `{}`: what a list writes for a plugin it configures with nothing. */
function isEmptyConfig(config: unknown): boolean {
  return (
    config === undefined ||
    config === null ||
    (typeof config === 'object' && !Array.isArray(config) && Object.keys(config).length === 0)
  )
}
