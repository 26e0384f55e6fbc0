import { PluginDiscoveryError } from './discovery-error.js'
import type { FoundPlugin } from './plugin-module.js'

/** Throws `PLUGIN_NAME_CLASH`, naming both places, when two plugins found have one name. */
export function assertUniqueNames(found: readonly FoundPlugin[]): void {
  const seen = new Map<string, FoundPlugin>()
  for (const each of found) {
    const { name } = each.plugin.declaration
    const first = seen.get(name)
    if (first) {
      throw new PluginDiscoveryError(
        'PLUGIN_NAME_CLASH',
        `Two plugins are named "${name}": ${first.origin} and ${each.origin}. A name is unique in a bot: remove one of them, or rename one (the name given to definePlugin).`,
      )
    }
    seen.set(name, each)
  }
}
