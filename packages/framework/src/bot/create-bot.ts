import 'reflect-metadata'
import {
  container as rootContainer,
  instanceCachingFactory,
  instancePerContainerCachingFactory,
  Lifecycle,
  type DependencyContainer,
  type InjectionToken,
} from 'tsyringe'
import {
  ConfigError,
  createClient,
  type ClientOptions,
  type DispatchedEvent,
  type MessageBody,
  type QQBotClient,
} from '@qqbot/core'
import { CommandRegistry, type RegisteredCommand } from '../commands/command-registry.js'
import { parseArguments, type ArgumentFailure } from '../commands/argument-parser.js'
import { mentionPattern, splitCommandWord, stripPrefix } from '../commands/prefix-matcher.js'
import { COMMAND_EVENTS, CommandContext, EventContext, mentionsBot, sceneOf } from '../context/contexts.js'
import type { Scene, Guard } from '../metadata/controller-metadata.js'
import { MESSAGES, SCENE_NAMES, ZOD_LOCALES, type Locale, type MessageTable } from '../i18n/messages.js'
import { definitionOf } from '../metadata/controller-metadata.js'
import { renderCommandHelp, renderHelpList } from '../help/help-renderer.js'
import { compose } from '../util/compose.js'
import { PromptCancelledError, PromptRegistry, PromptTimeoutError } from '../conversation/prompt-registry.js'
import { CLOCK_KEY, systemClock, type Clock } from '../util/clock.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor<T = object> = new (...args: any[]) => T

/**
 * How long an instance lives: one per bot (`singleton`, the default), a new one at every injection
 * (`transient`), or one per event (`event`: shared by everything handling that event, and able to inject the
 * event's `CommandContext`).
 */
export type Lifetime = 'singleton' | 'transient' | 'event'

/** A dependency: a class (a singleton per bot), or a token with a value, a class or a factory. */
export type Provider =
  | Constructor
  | { token: InjectionToken; useValue: unknown }
  | { token: InjectionToken; useClass: Constructor; lifetime?: Lifetime }
  | { token: InjectionToken; useFactory: (container: DependencyContainer) => unknown; lifetime?: Lifetime }

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

/** Implement on a controller or a singleton service to run code once the bot is connected. */
export interface OnReady {
  onReady(): unknown
}

/** Implement on a controller or a singleton service to clean up before the bot disconnects. */
export interface OnShutdown {
  onShutdown(): unknown
}

const LIFECYCLES = {
  singleton: Lifecycle.Singleton,
  transient: Lifecycle.Transient,
  event: Lifecycle.ContainerScoped,
} as const

/** Chooses the prefixes for one message: by guild, group or user (from `event.data`). */
export type PrefixResolver = (event: DispatchedEvent, scene: Scene) => string[] | Promise<string[]>

export interface BotOptions extends ClientOptions {
  /** Controller classes (decorated with `@Controller`). Registered explicitly: no file globbing. */
  controllers: Constructor[]
  providers?: Provider[]
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
  /** Middleware around every event, outermost first (more with `bot.use()`). */
  middleware?: Middleware[]
  /** Decides what the user sees when a command throws. */
  onCommandError?: CommandErrorHook
  /** The built-in help command's names (default `['help', '帮助']`); `false` turns it off. A command of yours with the same name wins. */
  help?: string[] | false
  /**
   * Advanced, for tests: where cooldowns and `ctx.prompt()` timeouts read the time and set timers. Default
   * the system clock; `@qqbot/testing` passes a manual one.
   */
  clock?: Clock
}

/** A bot built from controllers: the core client plus a command registry and a DI container of its own. */
export class Bot {
  readonly client: QQBotClient
  /** This bot's container (a child of tsyringe's root): its providers and controllers, nobody else's. */
  readonly container: DependencyContainer
  private readonly registry: CommandRegistry
  private readonly messages: MessageTable
  private readonly zodLocale
  private readonly sceneNames: (typeof SCENE_NAMES)[Locale]
  /** A leading @mention of this bot, once its id is known (built once, not per message). */
  private mention: RegExp | undefined
  /** State that belongs to this bot alone (cooldown clocks and other guard state). */
  private readonly store = new Map<unknown, unknown>()
  private readonly conversations: PromptRegistry
  private readonly middleware: Middleware[] = []
  /** Singleton providers, whose onReady/onShutdown hooks run with the controllers'. */
  private readonly singletons: InjectionToken[] = []
  /** Controller prototype → how to get its instance (the bot's singleton, or a new one in an event's scope). */
  private readonly instances = new Map<
    object,
    {
      resolve: (scope?: DependencyContainer) => Record<string | symbol, (...args: unknown[]) => unknown>
      perEvent: boolean
    }
  >()

  constructor(private readonly options: BotOptions) {
    this.client = createClient(options)
    const clock = options.clock ?? systemClock
    this.store.set(CLOCK_KEY, clock)
    this.conversations = new PromptRegistry(clock)
    this.container = rootContainer.createChildContainer()
    const locale = options.locale ?? 'zh-CN'
    this.messages = { ...MESSAGES[locale], ...options.messages }
    this.zodLocale = ZOD_LOCALES[locale]
    this.sceneNames = SCENE_NAMES[locale]
    this.registry = new CommandRegistry(options.caseInsensitive ?? true, this.displayPrefix)
    this.client.intercept((event) => this.conversations.offer(event))
    this.middleware.push(...(options.middleware ?? []))
    for (const provider of options.providers ?? []) this.register(provider)
    this.registerControllers()
  }

  /**
   * Resolves the singleton controllers (so a missing dependency fails here, not at the first message),
   * connects, then runs `onReady` hooks.
   */
  async start(): Promise<void> {
    for (const [prototype, { resolve, perEvent }] of this.instances) {
      // A per-event controller can only be built inside an event (it may inject the context).
      if (perEvent) continue
      try {
        resolve()
      } catch (error) {
        const name = (prototype as { constructor: { name: string } }).constructor.name
        throw new ConfigError(
          `Cannot create controller ${name}: ${(error as Error).message.replace(/\s+/g, ' ').trim()}. Register what its constructor needs in createBot({ providers }), and mark service classes with @Injectable().`,
        )
      }
    }
    try {
      this.mention = mentionPattern((await this.client.api.getMe()).id)
    } catch (error) {
      this.client.logger.warn(
        { err: error },
        'could not read the bot user; @mentions of the bot will not count as a prefix',
      )
    }
    await this.client.start()
    await this.runHook('onReady')
  }

  /** Runs `onShutdown` hooks, cancels open conversations, lets running handlers finish, and disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.runHook('onShutdown')
      this.conversations.cancelAll()
      await this.client.stop()
    })()
    return this.stopping
  }

  private stopping: Promise<void> | undefined

  /** Calls `hook` on every singleton controller and singleton service that has it, in registration order. */
  private async runHook(hook: 'onReady' | 'onShutdown'): Promise<void> {
    const targets = new Set<unknown>()
    const collect = (create: () => unknown) => {
      try {
        targets.add(create())
      } catch (error) {
        // At shutdown after a failed start, what could not be built has nothing to shut down.
        if (hook === 'onReady') throw error
      }
    }
    for (const token of this.singletons) collect(() => this.container.resolve(token))
    for (const { resolve, perEvent } of this.instances.values()) if (!perEvent) collect(resolve)
    for (const target of targets) {
      const method = (target as Record<string, unknown>)[hook]
      if (typeof method !== 'function') continue
      try {
        await method.call(target)
      } catch (error) {
        if (hook === 'onReady') throw error
        this.client.logger.error({ err: error }, `${hook} hook failed`)
      }
    }
  }

  /** A container for one event: per-event services live here, and so does the event's context. */
  private scopeFor<T>(token: InjectionToken<T>, context: T): DependencyContainer {
    const scope = this.container.createChildContainer()
    scope.register(token, { useValue: context })
    return scope
  }

  private register(provider: Provider): void {
    if (typeof provider === 'function') {
      this.container.registerSingleton(provider as Constructor)
      this.singletons.push(provider)
    } else if ('useValue' in provider) {
      this.container.register(provider.token, { useValue: provider.useValue })
    } else if ('useClass' in provider) {
      const lifetime = provider.lifetime ?? 'singleton'
      this.container.register(provider.token, { useClass: provider.useClass }, { lifecycle: LIFECYCLES[lifetime] })
      if (lifetime === 'singleton') this.singletons.push(provider.token)
    } else if ('useFactory' in provider) {
      // tsyringe keeps factories out of lifecycles; its caching factories give the same three lifetimes.
      const lifetime = provider.lifetime ?? 'singleton'
      const useFactory =
        lifetime === 'singleton'
          ? instanceCachingFactory(provider.useFactory)
          : lifetime === 'event'
            ? instancePerContainerCachingFactory(provider.useFactory)
            : provider.useFactory
      this.container.register(provider.token, { useFactory })
      if (lifetime === 'singleton') this.singletons.push(provider.token)
    } else {
      throw new ConfigError(
        `A provider must be a class or { token, useValue | useClass | useFactory }; got ${JSON.stringify(provider)}.`,
      )
    }
  }

  private registerControllers(): void {
    for (const controller of this.options.controllers) {
      const definition = typeof controller === 'function' ? definitionOf(controller) : undefined
      if (!definition?.decorated) {
        throw new ConfigError(
          `${(controller as { name?: string })?.name ?? String(controller)} is not a controller: decorate the class with @Controller().`,
        )
      }
      const perEvent = definition.options.lifetime === 'event'
      if (perEvent)
        this.container.register(controller, { useClass: controller }, { lifecycle: Lifecycle.ContainerScoped })
      else this.container.registerSingleton(controller)
      type Instance = Record<string | symbol, (...args: unknown[]) => unknown>
      let singleton: Instance | undefined
      // Singletons are resolved once and kept: no container lookup on the per-message path.
      const instance = (scope?: DependencyContainer): Instance =>
        perEvent
          ? ((scope ?? this.container.createChildContainer()).resolve(controller) as Instance)
          : (singleton ??= this.container.resolve(controller) as Instance)
      this.instances.set(controller.prototype, { resolve: instance, perEvent })
      for (const command of definition.commands) {
        this.registry.add(
          controller.prototype,
          command,
          definition.options.scenes,
          definition.guards,
          definition.options.group,
        )
      }
      for (const handler of definition.events) {
        this.client.on(handler.event, (event) =>
          this.throughMiddleware(event, async () => {
            const context = new EventContext(event, this.client)
            await instance(perEvent ? this.scopeFor(EventContext, context) : undefined)[handler.method]!(context)
          }),
        )
      }
    }
    for (const scene of this.registry.scenes()) {
      for (const name of COMMAND_EVENTS[scene]) {
        this.client.on(name, (event) =>
          this.throughMiddleware(event as DispatchedEvent, () => this.onMessage(event as DispatchedEvent)),
        )
      }
    }
  }

  private async onMessage(event: DispatchedEvent): Promise<void> {
    const scene = sceneOf(event.name)
    const content = (event.data as { content?: unknown }).content
    if (!scene || typeof content !== 'string') return
    const prefixes =
      typeof this.options.prefixes === 'function'
        ? await this.options.prefixes(event, scene)
        : (this.options.prefixes ?? ['/'])
    const text = stripPrefix(
      content,
      scene,
      { prefixes, mention: this.mention, prefixOptionalInDirect: this.options.prefixOptionalInDirect ?? true },
      mentionsBot(event),
    )
    if (text === undefined) return
    let { word, rest } = splitCommandWord(text)
    if (word && this.registry.isGroup(word)) {
      // `/admin ban x`: the command is the first two words.
      const sub = splitCommandWord(rest)
      if (sub.word && this.registry.find(`${word} ${sub.word}`))
        ({ word, rest } = { word: `${word} ${sub.word}`, rest: sub.rest })
    }
    const command = word ? this.registry.find(word) : undefined
    if (!command) {
      if (word && this.isHelpWord(word)) await this.help(event, scene, word, rest)
      return
    }
    const context = this.contextFor(event, scene, command.definition.name, rest)
    if (command.scenes && !command.scenes.includes(scene)) return this.refuseScene(context, command.scenes)
    // Guards first (permissions, cooldowns), then arguments: as in NestJS, a refused user gets no usage hints.
    await this.guarded(command.guards, context, async () => {
      const parsed = parseArguments(rest, command.definition.params, command.syntax, this.zodLocale)
      if (!parsed.ok) return void (await context.reply(this.describeFailure(parsed.failure, command)))
      await this.run(command, context, parsed.values)
    })
  }

  /** The command exists, but not here: say where it works (an override returning '' keeps the bot silent). */
  private async refuseScene(context: CommandContext, scenes: readonly Scene[]): Promise<void> {
    const { names, join } = this.sceneNames
    const text = this.messages.WRONG_SCENE({
      name: `${this.displayPrefix}${context.command}`,
      where: join(scenes.map((scene) => names[scene])),
    })
    if (text) await context.reply(text)
  }

  private contextFor(event: DispatchedEvent, scene: Scene, command: string, argsText: string): CommandContext {
    return new CommandContext({
      event,
      client: this.client,
      scene,
      command,
      argsText,
      store: this.store,
      messages: this.messages,
      conversations: this.conversations,
    })
  }

  /** Adds middleware around every event (after those given in the options). */
  use(middleware: Middleware): this {
    this.middleware.push(middleware)
    return this
  }

  private throughMiddleware(event: DispatchedEvent, handler: () => Promise<void>): Promise<void> {
    return this.middleware.length === 0
      ? handler()
      : compose(this.middleware, event, handler, `middleware for ${event.name}`)
  }

  /** Koa-style: each guard gets `next`; the handler runs only if every guard calls it. */
  private guarded(guards: readonly Guard[], context: CommandContext, handler: () => Promise<void>): Promise<void> {
    return compose(guards, context, handler, `a guard of /${context.command}`)
  }

  /** The prefix shown in usage lines and help (the first static one; `/` with a resolver). */
  private get displayPrefix(): string {
    return Array.isArray(this.options.prefixes) ? (this.options.prefixes[0] ?? '/') : '/'
  }

  private isHelpWord(word: string): boolean {
    const names = this.options.help === false ? [] : (this.options.help ?? ['help', '帮助'])
    return names.some((name) => name.toLowerCase() === word.toLowerCase())
  }

  private async help(event: DispatchedEvent, scene: Scene, word: string, rest: string): Promise<void> {
    const prefix = this.displayPrefix
    const asked = rest.trim()
    const name = (asked.startsWith(prefix) ? asked.slice(prefix.length) : asked).replace(/\s+/g, ' ')
    const context = this.contextFor(event, scene, word, rest)
    if (!name) return void (await context.reply(renderHelpList(this.registry.all(), scene, prefix, this.messages)))
    const command = this.registry.find(name)
    if (!command || (command.scenes && !command.scenes.includes(scene))) {
      return void (await context.say('HELP_UNKNOWN', { name, usage: `${prefix}${word}` }))
    }
    await context.reply(renderCommandHelp(command, prefix, this.messages))
  }

  private async run(command: RegisteredCommand, context: CommandContext, values: Map<number, unknown>): Promise<void> {
    const entry = this.instances.get(command.controller)!
    const target = entry.perEvent ? entry.resolve(this.scopeFor(CommandContext, context)) : entry.resolve()
    const method = target[command.definition.method]!
    const arity = Math.max(method.length, ...command.definition.params.map((param) => param.index + 1))
    const args = Array.from({ length: arity }, (_, index) => (values.has(index) ? values.get(index) : context))
    let result: unknown
    try {
      result = await method.apply(target, args)
    } catch (error) {
      if (error instanceof PromptTimeoutError) return void (await context.say('PROMPT_TIMEOUT').catch(() => undefined))
      if (error instanceof PromptCancelledError) {
        if (error.reason !== 'stopped') await context.say('PROMPT_CANCELLED').catch(() => undefined)
        return
      }
      // The user gets a short generic answer; the error itself is logged and counted by the pipeline.
      const answer = this.options.onCommandError
        ? await Promise.resolve(this.options.onCommandError(error, context)).catch(() => undefined)
        : undefined
      if (answer !== null) await context.reply(answer ?? this.messages.HANDLER_FAILED({})).catch(() => undefined)
      throw error
    }
    if (!context.replied && (typeof result === 'string' ? result !== '' : isMessageBody(result)))
      await context.reply(result as string | MessageBody)
  }

  private describeFailure(failure: ArgumentFailure, command: RegisteredCommand): string {
    return this.messages[failure.id]({ name: failure.name, reason: failure.reason, usage: command.usage })
  }
}

function isMessageBody(value: unknown): value is MessageBody {
  if (typeof value !== 'object' || value === null) return false
  return ['content', 'markdown', 'ark', 'embed', 'media', 'image', 'keyboard'].some((key) => key in value)
}

/** Creates a bot from controllers and providers. Two bots in one process share nothing. */
export function createBot(options: BotOptions): Bot {
  return new Bot(options)
}
