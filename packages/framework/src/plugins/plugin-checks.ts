import type { InjectionToken } from 'tsyringe'
import { checkCommandClashes, type CommandOwner } from './command-clash.js'
import { asPlugin, type Plugin } from './define-plugin.js'
import { checkCompat } from './plugin-compat.js'
import { parsePluginConfig } from './plugin-config.js'
import { PluginError } from './plugin-error.js'
import { orderByRequirements, type Requiring } from './plugin-order.js'
import type { PluginUnit } from './plugin-unit.js'

/** What joining plugins are checked against besides the units already there. */
export interface JoinScope {
  caseInsensitive: boolean
  /** Whether the bot itself provides a token. */
  provided: (token: InjectionToken) => boolean
}

/** The plugin given (a plugin, or a factory used with no config), or a {@link PluginError} saying it is none. */
export function pluginOf(value: unknown): Plugin {
  const plugin = asPlugin(value)
  if (plugin) return plugin
  throw new PluginError(
    'PLUGIN_INVALID',
    '',
    `${describeValue(value)} is not a plugin: pass what definePlugin() returns, or call it with the plugin's config (e.g. dice({ sides: 20 })).`,
  )
}

/** What one plugin needs on its own: a compatible framework and a valid config. Returns the parsed config. */
export function checkPlugin(plugin: Plugin): unknown {
  checkCompat(plugin.declaration)
  return parsePluginConfig(plugin)
}

/**
 * Checks plugins joining `units`: their requirements (met by a joining plugin, a unit, or the bot) and their
 * command names (no clash with anyone's). Returns them in the order to set them up.
 */
export function checkJoining(plugins: readonly Plugin[], units: readonly PluginUnit[], scope: JoinScope): Plugin[] {
  const ordered = orderByRequirements(plugins.map(requiring), {
    loaded: units.flatMap((unit) => (unit.plugin ? [requiring(unit.plugin)] : [])),
    provided: scope.provided,
  }).map((entry) => entry.plugin)
  checkCommandClashes([...units.map(unitOwner), ...ordered.map(owner)], scope.caseInsensitive)
  return ordered
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return `The function ${value.name || '(anonymous)'}`
  return `The ${value === null ? 'null' : typeof value} value`
}

/** What ordering reads of a plugin, keeping the plugin. */
function requiring(plugin: Plugin): Requiring & { plugin: Plugin } {
  const { name, requires, exports } = plugin.declaration
  return { name, requires, exports, plugin }
}

function owner(plugin: Plugin): CommandOwner {
  return { name: plugin.declaration.name, controllers: plugin.declaration.controllers ?? [] }
}

function unitOwner(unit: PluginUnit): CommandOwner {
  return { name: unit.name, controllers: unit.controllers.map((entry) => entry.controller) }
}

/** Whether `unit` requires `other`, by name or through a token `other` exports. */
export function requires(unit: PluginUnit, other: PluginUnit): boolean {
  const wanted = unit.plugin?.declaration.requires ?? []
  const exported = other.plugin?.declaration.exports ?? []
  return wanted.some((requirement) => requirement === other.name || exported.includes(requirement))
}
