import type { z } from 'zod'
import type { DependencyContainer, InjectionToken } from 'tsyringe'
import { ConfigError, type QQBotClient } from '@qqbot/core'
import type { Middleware } from '../bot/bot-options.js'
import type { Constructor, Provider } from '../di/bot-container.js'

/**
 * What a plugin's `setup` receives. Built by the bot for each loaded plugin; see `docs/plugins.md`. Everything
 * started through it (middleware, timers, dispose callbacks) belongs to the plugin and is undone when it is
 * unloaded or reloaded.
 */
export interface PluginSetupContext<Config> {
  /** The plugin's name, as declared. */
  readonly name: string
  /** The plugin's config, parsed by its schema (defaults applied). */
  readonly config: Config
  /** The bot's logger with `plugin: <name>` on every line. */
  readonly logger: QQBotClient['logger']
  /** The plugin's own DI container (a child of the bot's): its providers, the bot's, and what required plugins export. */
  readonly container: DependencyContainer
  /** The bot's core client (REST API, replies). Its connection outlives the plugin: do not stop it. */
  readonly client: QQBotClient
  /** Adds middleware around every event the bot handles, until the plugin is unloaded. */
  use(middleware: Middleware): void
  /** Runs `callback` once after `ms` (on the bot's clock) unless the plugin is unloaded first. Returns a cancel function. */
  setTimeout(callback: () => unknown, ms: number): () => void
  /** Runs `callback` every `ms` (on the bot's clock) until cancelled or the plugin is unloaded. Returns a cancel function. */
  setInterval(callback: () => unknown, ms: number): () => void
  /** Runs `dispose` when the plugin is unloaded (last registered, first run); for anything else it started. */
  onDispose(dispose: () => unknown): void
}

/** Everything a plugin declares, given once to {@link definePlugin}. */
export interface PluginDeclaration<Schema extends z.ZodType | undefined = undefined> {
  /** Unique in a bot: lowercase words joined by `-`, optionally scoped (`@team/dice`). Labels its logs and metrics. */
  name: string
  /** The plugin's own version (semver), shown in help and logs. */
  version?: string
  /** One line shown above the plugin's commands in `/help`. */
  description?: string
  /** A semver range of `@qqbot/framework` this plugin works with (e.g. `^0.1.0`). */
  compat?: string
  /** A zod schema of the plugin's config: validated when the bot is created. */
  config?: Schema
  /** The plugin's controller classes (decorated as usual). */
  controllers?: Constructor[]
  /** Services private to the plugin, unless listed in {@link PluginDeclaration.exports}. */
  providers?: Provider[]
  /** Tokens of the plugin's providers that other plugins (and the bot) may inject. */
  exports?: InjectionToken[]
  /** Plugin names or injection tokens this plugin needs: set up after them, or the bot fails to start. */
  requires?: (string | InjectionToken)[]
  /** Runs when the plugin is loaded; everything it starts through the context is undone when it is unloaded. */
  setup?: (context: PluginSetupContext<ConfigOf<Schema>>) => void | Promise<void>
}

/** The parsed config type of a schema (no schema: no config). */
export type ConfigOf<Schema> = Schema extends z.ZodType ? z.output<Schema> : Record<string, never>
/** What a plugin's factory accepts (defaults make fields optional). */
export type ConfigInputOf<Schema> = Schema extends z.ZodType ? z.input<Schema> : Record<string, never>

/** A config may be left out when nothing in it is required (no schema, or every field has a default). */
type OptionalConfig<Input> = undefined extends Input ? true : Record<never, never> extends Input ? true : false

const PLUGIN = Symbol.for('qqbot.plugin')

/** A plugin with the config it is used with: what `createBot({ plugins })` takes. Build one by calling the factory. */
export interface Plugin {
  readonly [PLUGIN]: true
  readonly declaration: PluginDeclaration<z.ZodType | undefined>
  /** The config as given (validated by the bot, not here, so the error can name the bot's other plugins too). */
  readonly input: unknown
}

/** Returned by {@link definePlugin}: call it with the plugin's config to use it in a bot. */
export interface PluginFactory<Schema extends z.ZodType | undefined = undefined> {
  (
    ...config: OptionalConfig<ConfigInputOf<Schema>> extends true
      ? [config?: ConfigInputOf<Schema>]
      : [ConfigInputOf<Schema>]
  ): Plugin
  readonly declaration: PluginDeclaration<Schema>
}

/** Any factory from {@link definePlugin}, whatever its config (what `createBot({ plugins })` accepts uncalled). */
export type AnyPluginFactory = ((...config: never[]) => Plugin) & { readonly declaration: { readonly name: string } }

const NAME = /^(@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/

/**
 * Declares a plugin: a named set of controllers and services with a config and a lifetime. Returns a factory:
 * `createBot({ plugins: [dice({ sides: 20 })] })`. A factory given without calling it is used with no config.
 */
export function definePlugin<Schema extends z.ZodType | undefined = undefined>(
  declaration: PluginDeclaration<Schema>,
): PluginFactory<Schema> {
  if (typeof declaration?.name !== 'string' || !NAME.test(declaration.name)) {
    throw new ConfigError(
      `A plugin name must be lowercase words joined by "-", optionally scoped like "@team/name"; got ${JSON.stringify(declaration?.name)}.`,
    )
  }
  const factory = ((input?: unknown) =>
    Object.freeze({ [PLUGIN]: true as const, declaration, input })) as unknown as PluginFactory<Schema>
  Object.defineProperty(factory, 'declaration', { value: declaration, enumerable: true })
  Object.defineProperty(factory, 'name', { value: declaration.name })
  return factory
}

/** True for a plugin built by calling a factory from {@link definePlugin}. */
export function isPlugin(value: unknown): value is Plugin {
  return typeof value === 'object' && value !== null && (value as Partial<Plugin>)[PLUGIN] === true
}

/** True for a factory returned by {@link definePlugin}. */
export function isPluginFactory(value: unknown): value is PluginFactory<z.ZodType | undefined> {
  return typeof value === 'function' && typeof (value as { declaration?: unknown }).declaration === 'object'
}

/** A plugin, or a factory used with no config, as a plugin. */
export function asPlugin(value: unknown): Plugin | undefined {
  if (isPlugin(value)) return value
  if (isPluginFactory(value)) {
    const plugin: unknown = (value as () => unknown)()
    return isPlugin(plugin) ? plugin : undefined
  }
  return undefined
}
