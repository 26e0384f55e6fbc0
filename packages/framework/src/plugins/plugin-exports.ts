import type { DependencyContainer, InjectionToken } from 'tsyringe'
import { PluginError } from './plugin-error.js'
import { tokenName } from './plugin-order.js'
import type { PluginUnit } from './plugin-unit.js'

/**
 * The services plugins export, resolvable from the bot's container (so by the bot and by every plugin, whose
 * containers are its children). Each exported token is registered in the bot's container once, as a factory
 * that asks the plugin exporting it now: after a reload the new version answers, after an unload nobody does.
 */
export class PluginExports {
  private readonly exporters = new Map<InjectionToken, PluginUnit>()
  /** Tokens registered in the bot's container as a delegate (tsyringe cannot unregister one token). */
  private readonly delegated = new Set<InjectionToken>()

  constructor(private readonly container: DependencyContainer) {}

  /** Whether the bot itself provides `token` (its own providers, not a plugin's export). */
  providedByBot(token: InjectionToken): boolean {
    return !this.delegated.has(token) && this.container.isRegistered(token, true)
  }

  add(unit: PluginUnit): void {
    for (const token of unit.plugin?.declaration.exports ?? []) {
      this.exporters.set(token, unit)
      if (this.delegated.has(token)) continue
      this.delegated.add(token)
      this.container.register(token, { useFactory: () => this.resolve(token) })
    }
  }

  remove(unit: PluginUnit): void {
    for (const [token, exporter] of this.exporters) if (exporter === unit) this.exporters.delete(token)
  }

  private resolve(token: InjectionToken): unknown {
    const unit = this.exporters.get(token)
    if (!unit) {
      throw new PluginError(
        'PLUGIN_NOT_LOADED',
        '',
        `${tokenName(token)} is exported by a plugin that is not loaded now. Load it again, or require it (requires: [...]) so the bot keeps them in order.`,
      )
    }
    return unit.di.container.resolve(token)
  }
}
