import type { z } from 'zod'
import { ConfigError } from '@qqbot/core'
import { resolveAckAfterMs, type ButtonHandlingOptions } from '../buttons/button-options.js'
import type { CommandContext } from '../context/contexts.js'
import type { Constructor, Provider } from '../di/bot-container.js'
import { MESSAGES, SCENE_NAMES, ZOD_LOCALES, type Locale, type MessageTable } from '../i18n/messages.js'
import { EXPECTATIONS, type ExpectationWords } from '../i18n/expectations.js'
import type { ExtraArguments } from '../commands/argument-parser.js'
import { resolveDidYouMean, type DidYouMeanOptions, type ResolvedDidYouMean } from '../commands/did-you-mean.js'
import type { Scene, ClientOptions, DispatchedEvent, MessageBody } from '@qqbot/core'
import { systemClock, type Clock } from '../util/clock.js'
import type { PanelSyncOptions } from '../panels/command-panels.js'
import type { ConversationOptions } from '../conversation/interrupted-conversations.js'
import type { AnyPluginFactory, Plugin } from '../plugins/define-plugin.js'
import type { PluginSwapOptions } from '../plugins/plugin-host.js'
import { resolveStateOptions, type ResolvedStateOptions, type StateOptions } from '../state/state-options.js'

/** Chooses the prefixes for one message: by guild, group or user (from `event.data`). */
export type PrefixResolver = (event: DispatchedEvent, scene: Scene) => string[] | Promise<string[]>

/**
 * Runs around every event the bot handles (commands and `@OnEvent` handlers): logging, timing, tracing,
 * filtering. Call `next()` to continue; not calling it drops the event.
 */
export type Middleware = (event: DispatchedEvent, next: () => Promise<void>) => unknown

/**
 * Called when a command handler throws. Return a reply (text or body) to send instead of the generic
 * `HANDLER_FAILED` text, or `null` to send nothing. The error is still logged and counted.
 */
export type CommandErrorHook = (
  error: unknown,
  context: CommandContext,
) => string | MessageBody | null | undefined | Promise<string | MessageBody | null | undefined>

/** How the command layer reads messages and answers: declared here, next to the router and invoker they tune. */
export interface CommandLayerOptions {
  /**
   * Command prefixes, default `['/']`, or a function choosing them per guild/group/chat (may be async, e.g.
   * read from a database). A leading @mention of the bot also counts.
   */
  prefixes?: string[] | PrefixResolver
  /** Match command names ignoring case. Default true. */
  caseInsensitive?: boolean
  /** In C2C and guild DMs a command needs no prefix. Default true. */
  prefixOptionalInDirect?: boolean
  /** Language of the framework's replies (argument errors). Default `zh-CN`. */
  locale?: Locale
  /** Override any reply text by its identifier. */
  messages?: Partial<MessageTable>
  /**
   * Words typed after a command's last argument: `'refuse'` answers `ARGUMENT_EXTRA` and does not run the
   * command, `'ignore'` drops them. Default: a command that takes arguments refuses (`/roll 20 extra words`),
   * one that takes none ignores (`/ping 42`). A command may choose for itself (`@Command(name, {
   * extraArguments })`). A command with `@Rest` takes every word, so it never has extras.
   */
  extraArguments?: ExtraArguments
  /**
   * A prefixed word that names no command but is close to one (`/rol`) gets "did you mean /roll?"
   * (`COMMAND_UNKNOWN`): default on, in every scene; `false` keeps the bot silent. Never for text without a
   * prefix. See {@link DidYouMeanOptions}.
   */
  didYouMean?: boolean | DidYouMeanOptions
  /** Middleware around every event, outermost first (more with `bot.use()`). */
  middleware?: Middleware[]
  /** Decides what the user sees when a command throws. */
  onCommandError?: CommandErrorHook
  /** The built-in help command's names (default `['help', '帮助']`); `false` turns it off. A command of yours with the same name wins. */
  help?: string[] | false
  /**
   * Keep a command panel per scope in step with the commands (`'sync'`, or options): at start the bot finds its
   * own panel by remark, updates it only when the commands changed, creates it only when missing. Default `'off'`.
   */
  panels?: 'off' | 'sync' | PanelSyncOptions
}

/**
 * Everything `createBot` accepts: the core client's options (credentials, hosts, event source, tuning), the
 * command options, and what the bot is built from.
 */
export interface BotOptions extends ClientOptions, CommandLayerOptions {
  /** Controller classes (decorated with `@Controller`). Registered explicitly: no file globbing. */
  controllers?: Constructor[]
  /**
   * Plugins: `dice({ sides: 20 })`, or a factory from `definePlugin` used with no config. Their configs,
   * `compat` ranges, requirements and command names are checked here; they are set up at `start()`, in an
   * order that puts each after what it requires. See docs/plugins.md.
   */
  plugins?: (Plugin | AnyPluginFactory)[]
  /** How plugins are swapped at run time (`bot.plugins.reload()`); see {@link PluginSwapOptions}. */
  pluginSwap?: PluginSwapOptions
  /** What controllers inject; see {@link Provider} and the lifetimes (`Lifetime`). */
  providers?: Provider[]
  /** How `@OnButton` clicks are acknowledged (see {@link ButtonHandlingOptions}). */
  buttons?: ButtonHandlingOptions
  /**
   * Advanced, for tests: where cooldowns and `ctx.prompt()` timeouts read the time and set timers. Default
   * the system clock; `@qqbot/testing` passes a manual one.
   */
  clock?: Clock
  /** Where `ctx.state` is stored (default in memory, lost on restart); see {@link StateOptions}. */
  state?: StateOptions
  /** What becomes of a `ctx.prompt()` question whose process is gone; see {@link ConversationOptions}. */
  conversations?: ConversationOptions
}

/** The command layer's options with their defaults applied, once, when the bot is built. */
export interface ResolvedBotOptions {
  /** The prefixes for one message (the static list, or the user's resolver). */
  prefixesFor: PrefixResolver
  /** The prefix shown in usage lines and help: the first static one; `/` with a resolver. */
  displayPrefix: string
  caseInsensitive: boolean
  prefixOptionalInDirect: boolean
  messages: MessageTable
  /** zod's issue texts in the bot's language. */
  zodLocale: z.core.$ZodErrorMap
  /** How argument errors say what was expected, in the bot's language. */
  expectations: ExpectationWords
  /** `undefined`: by command, see {@link CommandLayerOptions.extraArguments}. */
  extraArguments: ExtraArguments | undefined
  /** `undefined` when unknown commands get no answer. */
  didYouMean: ResolvedDidYouMean | undefined
  /** How `WRONG_SCENE` names scenes in the bot's language. */
  sceneNames: (typeof SCENE_NAMES)[Locale]
  /** The built-in help command's names; empty when it is off. */
  helpNames: readonly string[]
  onCommandError: CommandErrorHook | undefined
  middleware: readonly Middleware[]
  clock: Clock
  /** Panel sync options, or `undefined` when panels are off. */
  panels: PanelSyncOptions | undefined
  state: ResolvedStateOptions
  /** Whether questions are recorded in state storage and an answer to a gone asker is told so. */
  interruptedNotice: boolean
  /** When a still-running button handler's click is acknowledged with 0. */
  buttonAckAfterMs: number
}

const DEFAULT_PREFIXES: readonly string[] = ['/']
const DEFAULT_HELP_NAMES: readonly string[] = ['help', '帮助']

export function resolveBotOptions(options: BotOptions): ResolvedBotOptions {
  const locale = options.locale ?? 'zh-CN'
  const { prefixes = [...DEFAULT_PREFIXES] } = options
  const clock = options.clock ?? systemClock
  const helpNames = options.help === false ? [] : (options.help ?? DEFAULT_HELP_NAMES)
  for (const name of helpNames) {
    if (typeof name !== 'string' || name.trim() === '' || /\s/.test(name))
      throw new ConfigError(`Each help name must be one word without spaces; got ${JSON.stringify(name)}.`)
  }
  return {
    prefixesFor: typeof prefixes === 'function' ? prefixes : () => prefixes,
    displayPrefix: Array.isArray(prefixes) ? (prefixes[0] ?? '/') : '/',
    caseInsensitive: options.caseInsensitive ?? true,
    prefixOptionalInDirect: options.prefixOptionalInDirect ?? true,
    messages: { ...MESSAGES[locale], ...options.messages },
    zodLocale: ZOD_LOCALES[locale],
    expectations: EXPECTATIONS[locale],
    extraArguments: resolveExtraArguments(options.extraArguments),
    didYouMean: resolveDidYouMean(options.didYouMean),
    sceneNames: SCENE_NAMES[locale],
    helpNames,
    onCommandError: options.onCommandError,
    middleware: options.middleware ?? [],
    clock,
    state: resolveStateOptions(options.state, clock),
    interruptedNotice: options.conversations?.interruptedNotice ?? true,
    panels: resolvePanels(options.panels),
    buttonAckAfterMs: resolveAckAfterMs(options.buttons),
  }
}

function resolvePanels(panels: BotOptions['panels']): PanelSyncOptions | undefined {
  if (panels === undefined || panels === 'off') return undefined
  if (panels === 'sync') return {}
  if (typeof panels === 'object' && panels !== null) return panels
  throw new ConfigError(`panels must be 'off', 'sync' or { remark?, scopes? }; got ${JSON.stringify(panels)}.`)
}

function resolveExtraArguments(value: unknown): ExtraArguments | undefined {
  if (value === undefined || value === 'refuse' || value === 'ignore') return value
  throw new ConfigError(`extraArguments must be 'refuse' or 'ignore'; got ${JSON.stringify(value)}.`)
}
