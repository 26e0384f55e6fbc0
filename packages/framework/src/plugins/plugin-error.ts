import { QQBotError } from '@qqbot/core'

/** What went wrong with a plugin; stable, safe to switch on. */
export type PluginErrorCode =
  /** The config given to the plugin does not match its schema. */
  | 'PLUGIN_CONFIG_INVALID'
  /** The plugin's `compat` range does not include this framework's version (or is not a range). */
  | 'PLUGIN_INCOMPATIBLE'
  /** Something in the plugin's `requires` is not loaded or provided. */
  | 'PLUGIN_REQUIREMENT_MISSING'
  /** Plugins require each other in a cycle. */
  | 'PLUGIN_REQUIREMENT_CYCLE'
  /** Two plugins declare the same command name or alias. */
  | 'PLUGIN_COMMAND_CLASH'
  /** A plugin of that name is already loaded (or given twice). */
  | 'PLUGIN_NAME_TAKEN'
  /** No plugin of that name is loaded. */
  | 'PLUGIN_NOT_LOADED'
  /** Loaded plugins still require the one being unloaded. */
  | 'PLUGIN_REQUIRED'
  /** The plugin's `setup` (or building its controllers, or its `onStart` hooks) threw. */
  | 'PLUGIN_SETUP_FAILED'
  /** What was given is not a plugin. */
  | 'PLUGIN_INVALID'

/**
 * A plugin could not be used: its config, its compatibility, its requirements, a clash with another plugin, or
 * its setup. `plugin` names it; the message says what was wrong and what to do.
 */
export class PluginError extends QQBotError {
  declare readonly code: PluginErrorCode

  constructor(
    code: PluginErrorCode,
    /** The plugin the error is about (the first one, when two are involved). */
    readonly plugin: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options)
  }
}
