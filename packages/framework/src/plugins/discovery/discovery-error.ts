import { QQBotError } from '@qqbot/core'

/** What went wrong while finding or importing plugins (stable: safe to switch on). */
export type PluginDiscoveryErrorCode =
  /** A listed path does not exist. */
  | 'PLUGIN_NOT_FOUND'
  /** A module's exports hold no plugin (neither `default` nor `plugin` is a plugin or a plugin factory). */
  | 'PLUGIN_MODULE_INVALID'
  /** Importing a plugin module threw. */
  | 'PLUGIN_IMPORT_FAILED'
  /** A listed npm package is not installed. */
  | 'PLUGIN_PACKAGE_NOT_INSTALLED'
  /** A listed npm package does not follow the naming convention and lacks the `qqbot-plugin` keyword. */
  | 'PLUGIN_PACKAGE_NOT_A_PLUGIN'
  /** A listed npm package resolves another copy of @qqbot/framework than the bot's. */
  | 'PLUGIN_FRAMEWORK_DUPLICATE'
  /** Two plugins found have one name. */
  | 'PLUGIN_NAME_CLASH'
  /** A config names a plugin that was not found. */
  | 'PLUGIN_CONFIG_UNMATCHED'
  /** A config was given for a module that exports a plugin already configured (not a factory). */
  | 'PLUGIN_ALREADY_CONFIGURED'
  /** `qqbot.plugins` in package.json, or `qqbot.config.js`, is not in the expected shape. */
  | 'PLUGIN_LIST_INVALID'

/** Finding or importing plugins failed; the message names the file or package, what was wrong and what to do. */
export class PluginDiscoveryError extends QQBotError {
  declare readonly code: PluginDiscoveryErrorCode

  constructor(code: PluginDiscoveryErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
