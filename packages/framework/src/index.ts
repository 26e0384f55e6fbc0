/**
 * @qqbot/framework: the declarative command layer on top of @qqbot/core. Controllers with `@Command` and
 * `@OnEvent` methods, typed arguments and flags (zod), dependency injection (tsyringe), replies by return value.
 */
import 'reflect-metadata'

export { createBot, Bot } from './bot/create-bot.js'
export {
  type BotOptions,
  type CommandLayerOptions,
  type PrefixResolver,
  type Middleware,
  type CommandErrorHook,
} from './bot/bot-options.js'
export { type Provider } from './di/bot-container.js'
export {
  type Lifetime,
  type ControllerLifetime,
  type OnStart,
  type OnStop,
  type OnReady,
  type OnShutdown,
} from './di/lifetime.js'
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
export {
  Cooldown,
  cooldown,
  GuildAdminOnly,
  guildAdminOnly,
  GUILD_ADMIN_ROLES,
  type CooldownOptions,
} from './guards/built-in-guards.js'
export { CommandContext, EventContext, type CommandContextInit } from './context/contexts.js'
// The scene vocabulary is the core's, re-exported for bots that import only the framework.
export { sceneOf, type Scene } from '@qqbot/core'
export {
  PromptTimeoutError,
  PromptCancelledError,
  PromptRegistry,
  type PromptOptions,
} from './conversation/prompt-registry.js'
export { systemClock, clockOf, CLOCK_KEY, type Clock } from './util/clock.js'
export type { ControllerOptions, CommandOptions, Guard, GuardContext } from './metadata/controller-metadata.js'
export { MESSAGES, type MessageId, type MessageTable, type Locale, type MessageParams } from './i18n/messages.js'
export { usageOf } from './commands/command-registry.js'
export { mentionedUser, mentionedChannel } from './arguments/resolvers.js'
export {
  tokenize,
  TokenizeError,
  type Token,
  type FlagToken,
  type TokenizeResult,
  type TokenizeOptions,
  type TokenizeErrorCode,
} from './commands/tokenizer.js'
