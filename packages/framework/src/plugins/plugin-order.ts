import type { InjectionToken } from 'tsyringe'
import { PluginError } from './plugin-error.js'

/** What ordering needs to know of a plugin. */
export interface Requiring {
  readonly name: string
  readonly requires?: readonly (string | InjectionToken)[]
  readonly exports?: readonly InjectionToken[]
}

export interface RequirementScope {
  /** Plugins already running: they satisfy requirements and need no ordering. */
  loaded: readonly Requiring[]
  /** Whether the bot itself provides a token (its `providers`). */
  provided: (token: InjectionToken) => boolean
}

/**
 * `plugins` in an order where each comes after what it requires (otherwise in the order given). A requirement
 * is a plugin name, or a token some plugin exports or the bot provides. Fails on a missing requirement and on a
 * cycle, naming it.
 */
export function orderByRequirements<P extends Requiring>(plugins: readonly P[], scope: RequirementScope): P[] {
  const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]))
  const ordered: P[] = []
  const state = new Map<P, 'visiting' | 'done'>()
  const path: P[] = []
  const visit = (plugin: P): void => {
    const seen = state.get(plugin)
    if (seen === 'done') return
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(plugin)), plugin].map((each) => each.name)
      throw new PluginError(
        'PLUGIN_REQUIREMENT_CYCLE',
        plugin.name,
        `Plugins require each other in a cycle: ${cycle.join(' → ')}. Move what they share into one plugin (or the bot's providers) so that one of them no longer requires the other.`,
      )
    }
    state.set(plugin, 'visiting')
    path.push(plugin)
    for (const requirement of plugin.requires ?? []) {
      const provider = providerOf(requirement, byName, plugins, scope)
      if (provider === undefined) throw missing(plugin, requirement)
      if (provider !== 'outside') visit(provider)
    }
    path.pop()
    state.set(plugin, 'done')
    ordered.push(plugin)
  }
  for (const plugin of plugins) visit(plugin)
  return ordered
}

/** The plugin among `plugins` that satisfies `requirement`, `'outside'` when something already running does. */
function providerOf<P extends Requiring>(
  requirement: string | InjectionToken,
  byName: ReadonlyMap<string, P>,
  plugins: readonly P[],
  scope: RequirementScope,
): P | 'outside' | undefined {
  if (typeof requirement === 'string') {
    const named = byName.get(requirement)
    if (named) return named
    if (scope.loaded.some((plugin) => plugin.name === requirement)) return 'outside'
  }
  const exporter = plugins.find((plugin) => plugin.exports?.includes(requirement))
  if (exporter) return exporter
  if (scope.loaded.some((plugin) => plugin.exports?.includes(requirement))) return 'outside'
  return scope.provided(requirement) ? 'outside' : undefined
}

function missing(plugin: Requiring, requirement: string | InjectionToken): PluginError {
  const what =
    typeof requirement === 'string'
      ? `"${requirement}", which is neither a loaded plugin nor a service the bot or a plugin provides`
      : `${tokenName(requirement)}, which no loaded plugin exports and the bot does not provide`
  return new PluginError(
    'PLUGIN_REQUIREMENT_MISSING',
    plugin.name,
    `Plugin "${plugin.name}" requires ${what}. Add the plugin that provides it to createBot({ plugins }) (or load it first), or register the service in createBot({ providers }).`,
  )
}

export function tokenName(token: InjectionToken): string {
  if (typeof token === 'function') return token.name || 'an anonymous class'
  if (typeof token === 'symbol') return token.toString()
  if (typeof token === 'string') return `"${token}"`
  return 'a delayed token'
}
