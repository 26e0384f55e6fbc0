import 'reflect-metadata'
import type { DependencyContainer } from 'tsyringe'
import {
  ConfigError,
  createClient,
  sceneOf,
  isRejectedCredential,
  type DispatchedEvent,
  type QQBotClient,
  type Scene,
} from '@qqbot/core'
import { ButtonInvoker } from '../buttons/button-invoker.js'
import { ButtonRegistry } from '../buttons/button-registry.js'
import { commandAwareOrder } from '../commands/command-order.js'
import { CommandRegistry } from '../commands/command-registry.js'
import { CommandRouter } from '../commands/command-router.js'
import { Invoker } from '../commands/invoker.js'
import { COMMAND_EVENTS, CommandContext, EventContext, mentionsBot } from '../context/contexts.js'
import { PromptRegistry } from '../conversation/prompt-registry.js'
import { InterruptedConversations } from '../conversation/interrupted-conversations.js'
import { BotContainer, type Constructor } from '../di/bot-container.js'
import { helpController } from '../help/help-controller.js'
import { checkController } from '../metadata/check-controller.js'
import { definitionOf } from '../metadata/controller-metadata.js'
import { BotState } from '../state/bot-state.js'
import type { EventState } from '../state/event-state.js'
import type { StateDefinition } from '../state/state-definition.js'
import { CLOCK_KEY } from '../util/clock.js'
import { compose } from '../util/compose.js'
import { syncCommandPanels } from '../panels/sync-command-panels.js'
import { resolveBotOptions, type BotOptions, type Middleware, type ResolvedBotOptions } from './bot-options.js'

/**
 * A bot built from controllers: the core client, plus a command registry and a DI container of its own. It
 * composes the parts (container, router, invoker, the built-in help controller) and owns the lifecycle:
 * `start()`, `stop()`, and middleware around every event.
 */
export class Bot {
  readonly client: QQBotClient
  /** This bot's container (a child of tsyringe's root): its providers and controllers, nobody else's. */
  readonly container: DependencyContainer
  private readonly options: ResolvedBotOptions
  private readonly di: BotContainer
  private readonly registry: CommandRegistry
  private readonly router: CommandRouter
  private readonly invoker: Invoker
  private readonly buttons = new ButtonRegistry()
  /** State that belongs to this bot alone (cooldown clocks and other guard state). */
  private readonly store = new Map<unknown, unknown>()
  private readonly conversations: PromptRegistry
  private readonly interrupted: InterruptedConversations | undefined
  private readonly state: BotState
  private readonly middleware: Middleware[]
  private stopping: Promise<void> | undefined

  constructor(options: BotOptions) {
    this.options = resolveBotOptions(options)
    this.registry = new CommandRegistry(this.options.caseInsensitive, this.options.displayPrefix)
    this.router = new CommandRouter(this.registry, this.options)
    const order = commandAwareOrder(options.pipeline?.order, this.registry, this.router, this.options)
    this.client = createClient({ ...options, pipeline: { ...options.pipeline, order } })
    this.store.set(CLOCK_KEY, this.options.clock)
    const { state, clock, messages, displayPrefix } = this.options
    this.interrupted = this.options.interruptedNotice
      ? new InterruptedConversations({ storage: state.storage, clock, client: this.client, messages, displayPrefix })
      : undefined
    this.conversations = new PromptRegistry(this.options.clock, this.interrupted?.records)
    this.state = new BotState(this.options.state)
    this.client.intercept((event) => this.conversations.offer(event))
    this.middleware = [...this.options.middleware]
    this.di = new BotContainer(options.providers ?? [])
    this.container = this.di.container
    this.invoker = new Invoker(this.di, this.options)
    for (const controller of options.controllers) this.addController(controller)
    const help = helpController(this.registry, this.options)
    if (help) this.addController(help)
    this.subscribeToCommands()
    this.subscribeToButtons()
  }

  /**
   * Builds the singleton controllers (so a missing dependency fails here, not at the first message),
   * connects, then runs the `onStart` hooks.
   */
  async start(): Promise<void> {
    this.di.buildControllers()
    // Known before the first message when the platform answers; a rejected secret fails start() here, with
    // its own error. Anything else (the platform unreachable) is client.start()'s to report: asked again after.
    let botId = await this.botUserId({ rethrowRejectedCredentials: true })
    await this.interrupted?.start()
    await this.client.start()
    botId ??= await this.botUserId({ rethrowRejectedCredentials: false })
    if (botId) this.router.recognizeMention(botId)
    else this.client.logger.warn('could not read the bot user; @mentions of the bot will not count as a prefix')
    await this.di.runStartHooks()
    if (this.options.panels) await syncCommandPanels(this.client, this.registry.all(), this.options)
  }

  /** Runs the `onStop` hooks, cancels open conversations, lets running handlers finish, and disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.di.runStopHooks((error, hook) => this.client.logger.error({ err: error }, `${hook} hook failed`))
      await this.interrupted?.stop()
      this.conversations.cancelAll()
      await this.client.stop()
    })()
    return this.stopping
  }

  /** Adds middleware around every event (after those given in the options). */
  use(middleware: Middleware): this {
    this.middleware.push(middleware)
    return this
  }

  private async botUserId(options: { rethrowRejectedCredentials: boolean }): Promise<string | undefined> {
    try {
      return (await this.client.api.getMe()).id
    } catch (error) {
      if (options.rethrowRejectedCredentials && isRejectedCredential(error)) throw error
      if (!options.rethrowRejectedCredentials) this.client.logger.debug({ err: error }, 'GET /users/@me failed')
      return undefined
    }
  }

  /** Registers a controller: its instance in the container, its commands in the registry, its event handlers. */
  private addController(controller: Constructor): void {
    const definition = typeof controller === 'function' ? definitionOf(controller) : undefined
    if (!definition?.decorated) {
      const handlers = definition?.commands.map((command) => `@Command('${command.name}')`) ?? []
      throw new ConfigError(
        `${(controller as { name?: string })?.name ?? String(controller)} is not a controller: decorate the class with @Controller()${handlers.length > 0 ? `, or its ${handlers.join(', ')} never answer` : ''}.`,
      )
    }
    checkController(controller, definition, ['/', this.options.displayPrefix])
    const { scenes, group, lifetime = 'singleton', state } = definition.options
    if (state) this.state.claim(state)
    this.di.addController(controller, lifetime)
    for (const command of definition.commands)
      this.registry.add(controller.prototype, command, scenes, definition.guards, group)
    for (const handler of definition.buttons) this.buttons.add(controller.prototype, handler, scenes, definition.guards)
    for (const handler of definition.events) {
      this.client.on(handler.event, (event) =>
        this.throughMiddleware(event, async () => {
          const eventState = this.state.forEvent(event)
          const context = new EventContext(event, this.client, { state: eventState, declaredState: state })
          await this.di.instanceFor(controller.prototype, EventContext, context)[handler.method]!(context)
          await eventState.save()
        }),
      )
    }
  }

  /** Subscribes to the message events of the scenes the commands run in: the intents follow the controllers. */
  private subscribeToCommands(): void {
    for (const scene of this.registry.scenes()) {
      for (const name of COMMAND_EVENTS[scene]) {
        this.client.on(name, (event) =>
          this.throughMiddleware(event as DispatchedEvent, () => this.onMessage(event as DispatchedEvent)),
        )
      }
    }
  }

  /** Button clicks go to the `@OnButton` handlers, when there are any. */
  private subscribeToButtons(): void {
    if (this.buttons.size === 0) return
    const invoker = new ButtonInvoker({
      client: this.client,
      registry: this.buttons,
      instances: this.di,
      store: this.store,
      state: this.state,
      messages: this.options.messages,
      zodLocale: this.options.zodLocale,
      clock: this.options.clock,
      ackAfterMs: this.options.buttonAckAfterMs,
    })
    this.client.on('INTERACTION_CREATE', (event) => this.throughMiddleware(event, () => invoker.handle(event)))
  }

  private async onMessage(event: DispatchedEvent): Promise<void> {
    const scene = sceneOf(event)
    const content = (event.data as { content?: unknown }).content
    if (!scene || typeof content !== 'string') return
    const chosen = this.options.prefixesFor(event, scene)
    const prefixes = Array.isArray(chosen) ? chosen : await chosen
    const route = this.router.route({ content, scene, prefixes, mentionedByPlatform: mentionsBot(event) })
    if (this.interrupted?.watches() && (await this.interrupted.answer(event, route !== undefined))) return
    if (!route) return
    const state = this.state.forEvent(event)
    if (!route.command) {
      const text = this.options.messages.COMMAND_UNKNOWN({ name: route.typed, suggestion: route.suggestion })
      if (text) await this.contextFor(event, scene, route.typed, '', state, undefined).reply(text)
      return
    }
    const declared = definitionOf(route.command.controller.constructor)?.options.state
    const context = this.contextFor(event, scene, route.command.definition.name, route.rest, state, declared)
    await this.invoker.invoke(route.command, context, state)
  }

  private contextFor(
    event: DispatchedEvent,
    scene: Scene,
    command: string,
    argsText: string,
    state: EventState,
    declaredState: StateDefinition | undefined,
  ): CommandContext {
    return new CommandContext({
      event,
      client: this.client,
      scene,
      command,
      argsText,
      store: this.store,
      messages: this.options.messages,
      conversations: this.conversations,
      state,
      declaredState,
    })
  }

  private throughMiddleware(event: DispatchedEvent, handler: () => Promise<void>): Promise<void> {
    return this.middleware.length === 0
      ? handler()
      : compose(this.middleware, event, handler, `middleware for ${event.name}`)
  }
}

/** Creates a bot from controllers and providers. Two bots in one process share nothing. */
export function createBot(options: BotOptions): Bot {
  return new Bot(options)
}
