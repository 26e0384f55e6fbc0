/**
 * @qqbot/framework: the declarative command layer on top of @qqbot/core. Controllers with `@Command` and
 * `@OnEvent` methods, typed arguments and flags (zod), dependency injection (tsyringe), replies by return value.
 *
 * What is exported here is the public API, in tiers. Everything else is internal and may change.
 */
import 'reflect-metadata'

// ── Start here: the bot ─────────────────────────────────────────────────────────────────────────────────────
export { createBot, Bot } from './bot/create-bot.js'
export {
  type BotOptions,
  type CommandLayerOptions,
  type PrefixResolver,
  type Middleware,
  type CommandErrorHook,
} from './bot/bot-options.js'

// ── Plugins: controllers and services packaged with their config and lifetime ───────────────────────────────
export {
  definePlugin,
  isPlugin,
  isPluginFactory,
  type Plugin,
  type PluginFactory,
  type PluginDeclaration,
  type PluginSetupContext,
  type AnyPluginFactory,
} from './plugins/define-plugin.js'
export { PluginError, type PluginErrorCode } from './plugins/plugin-error.js'
export type { PluginHost, LoadedPlugin, PluginSwapOptions } from './plugins/plugin-host.js'
export { FRAMEWORK_VERSION } from './plugins/framework-version.js'
// Finding plugins in folders and packages listed in package.json or qqbot.config.js (docs/plugin-packages.md)
export { discoverPlugins, type DiscoverPluginsOptions, type QqbotConfig } from './plugins/discovery/discover-plugins.js'
export { loadPluginsFrom, type LoadPluginsFromOptions } from './plugins/discovery/plugin-folder.js'
export { type PluginList, type PluginListEntry } from './plugins/discovery/plugin-list.js'
export { PluginDiscoveryError, type PluginDiscoveryErrorCode } from './plugins/discovery/discovery-error.js'
export { configTable, type ConfigTableOptions } from './plugins/config-table.js'
// Reloading a plugin in place when `qqbot-dev` rebuilds its module (docs/plugins.md, "Reload in development")
export { enableDevReload, type DevReloadOptions } from './plugins/dev-reload.js'

// ── Declaring commands and event handlers ───────────────────────────────────────────────────────────────────
export {
  Controller,
  Command,
  OnEvent,
  Arg,
  Rest,
  Flag,
  Injectable,
  Inject,
  UseGuards,
} from './decorators/decorators.js'
export { OnButton } from './decorators/on-button.js'
export type { ButtonHandlerOptions } from './metadata/controller-metadata.js'
export type { ButtonHandlingOptions } from './buttons/button-options.js'
export { AUTO_ACK_CODES } from './buttons/button-invoker.js'
export { InteractionAlreadyAckedError } from './buttons/interaction-ack.js'
export type { ControllerOptions, CommandOptions, Guard, GuardContext } from './metadata/controller-metadata.js'
export { ControllerDefinitionError } from './metadata/controller-definition-error.js'
export { type DidYouMeanOptions } from './commands/did-you-mean.js'
export { mentionedUser, mentionedChannel } from './arguments/resolvers.js'
export {
  Cooldown,
  cooldown,
  GuildAdminOnly,
  guildAdminOnly,
  GUILD_ADMIN_ROLES,
  type CooldownOptions,
} from './guards/built-in-guards.js'

// ── What a handler receives ─────────────────────────────────────────────────────────────────────────────────
export { CommandContext, EventContext } from './context/contexts.js'
export type { RecallTarget } from './context/recall-in-chat.js'
export { ButtonContext } from './buttons/button-context.js'
// The scene vocabulary is the core's, re-exported for bots that import only the framework.
export { sceneOf, type Scene } from '@qqbot/core'
// The message builders are the core's too: a bot that sends keyboards needs nothing else.
export { markdown, keyboard, button } from '@qqbot/core'
export { PromptTimeoutError, PromptCancelledError, type PromptOptions } from './conversation/prompt-registry.js'
export { type ConversationOptions } from './conversation/interrupted-conversations.js'
// Streamed replies: ctx.stream(source), or return the source from a command.
export { StreamSourceError } from './streaming/stream-text.js'
export { isTextSource, type TextSource } from './streaming/text-source.js'

// ── State per user, chat and guild (docs/state.md) ──────────────────────────────────────────────────────────
export {
  defineState,
  type CheckedScopes,
  type NoState,
  type StateDefinition,
  type StateScope,
  type StateScopeInput,
  type StateScopeOptions,
  type StateScopesInput,
  type StateValue,
} from './state/state-definition.js'
export { type StateCell } from './state/state-cell.js'
export { type StateView } from './state/event-state.js'
export { type StateOptions } from './state/state-options.js'
export { StateValidationError, StateScopeUnavailableError } from './state/state-errors.js'
export { StateConflictError } from '@qqbot/core'
// The storage seam is the core's, re-exported for bots that import only the framework.
export { MemoryStateStorage, type StateStorage } from '@qqbot/core'

// ── Dependency injection and lifetimes ──────────────────────────────────────────────────────────────────────
export { type Provider } from './di/bot-container.js'
export {
  type Lifetime,
  type ControllerLifetime,
  type OnStart,
  type OnStop,
  type OnReady,
  type OnShutdown,
} from './di/lifetime.js'

// ── Texts the bot answers with, in its language ─────────────────────────────────────────────────────────────
export { MESSAGES, type MessageId, type MessageTable, type Locale, type MessageParams } from './i18n/messages.js'

// ── Time, and what the test kit (@qqbot/testing) builds contexts from ───────────────────────────────────────
export { systemClock, clockOf, CLOCK_KEY, type Clock } from './util/clock.js'
export { type CommandContextInit } from './context/contexts.js'
export { PromptRegistry } from './conversation/prompt-registry.js'
export { detachedEventState } from './state/bot-state.js'
export { type EventState } from './state/event-state.js'
