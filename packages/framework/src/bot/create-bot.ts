import 'reflect-metadata'
import type { DependencyContainer } from 'tsyringe'
import {
  createClient,
  sceneOf,
  isRejectedCredential,
  type DispatchedEvent,
  type QQBotClient,
  type Scene,
} from '@qqbot/core'
import { annotateError, defineCounter } from '@qqbot/core/adapter'
import { commandAwareOrder } from '../commands/command-order.js'
import { CommandContext, EventContext, mentionsBot } from '../context/contexts.js'
import { InterruptedConversations } from '../conversation/interrupted-conversations.js'
import { PromptRegistry } from '../conversation/prompt-registry.js'
import { definitionOf } from '../metadata/controller-metadata.js'
import type { HandlerTable, EventRoute } from '../plugins/handler-table.js'
import { PluginHost } from '../plugins/plugin-host.js'
import { PluginUnit } from '../plugins/plugin-unit.js'
import { BotState } from '../state/bot-state.js'
import type { EventState } from '../state/event-state.js'
import type { StateDefinition } from '../state/state-definition.js'
import { compose } from '../util/compose.js'
import { syncCommandPanels } from '../panels/sync-command-panels.js'
import { resolveBotOptions, type BotOptions, type Middleware, type ResolvedBotOptions } from './bot-options.js'

/** Commands run, by plugin (absent for the bot's own controllers), command and outcome (`ok`, `failed`). */
export const COMMANDS_HANDLED = defineCounter(
  'commands_handled',
  "Commands run, by plugin (absent for the bot's own controllers), command and outcome (ok, failed)",
)

/**
 * A bot built from controllers and plugins: the core client, plus a DI container of its own and the plugins'
 * (`bot.plugins`). Events go to the current handler table (commands, `@OnEvent` and `@OnButton` handlers,
 * middleware), which is replaced whole when a plugin is loaded, unloaded or reloaded. Owns the lifecycle:
 * `start()`, `stop()`.
 */
export class Bot {
  readonly client: QQBotClient
  /** This bot's container (a child of tsyringe's root): its providers and controllers; plugins' are its children. */
  readonly container: DependencyContainer
  /** The bot's plugins: `list()`, and `load()`, `unload()`, `reload()` while it runs. */
  readonly plugins: PluginHost
  private readonly options: ResolvedBotOptions
  private readonly root: PluginUnit
  private readonly conversations: PromptRegistry
  /** Tells a user whose question's asker is gone (a restart, a killed worker); off with `conversations.interruptedNotice: false`. */
  private readonly interrupted: InterruptedConversations | undefined
  private readonly state: BotState
  private readonly middleware: Middleware[]
  private readonly subscribed = new Set<string>()
  /** The one handler the bot gives the client per event name. */
  private readonly dispatch: (event: DispatchedEvent) => Promise<void> | undefined
  private botId: string | undefined
  private stopping: Promise<void> | undefined

  constructor(options: BotOptions) {
    this.dispatch = (event) => this.onEvent(event)
    this.options = resolveBotOptions(options)
    const order = commandAwareOrder(
      options.pipeline?.order,
      { all: () => this.plugins.table.commands },
      { route: (message) => this.plugins.table.router.route(message) },
      this.options,
    )
    this.client = createClient({ ...options, pipeline: { ...options.pipeline, order } })
    const { state, clock, messages, displayPrefix } = this.options
    this.interrupted = this.options.interruptedNotice
      ? new InterruptedConversations({ storage: state.storage, clock, client: this.client, messages, displayPrefix })
      : undefined
    this.conversations = new PromptRegistry(clock, this.interrupted?.records)
    this.state = new BotState(this.options.state)
    this.client.intercept((event) => this.conversations.offer(event))
    this.middleware = [...this.options.middleware]
    const host = {
      client: this.client,
      clock: this.options.clock,
      conversations: this.conversations,
      messages: this.options.messages,
      displayPrefix: this.options.displayPrefix,
      state: this.state,
    }
    this.root = new PluginUnit(host, undefined, undefined, {
      controllers: options.controllers ?? [],
      providers: options.providers ?? [],
    })
    this.container = this.root.di.container
    this.plugins = new PluginHost(
      {
        ...host,
        options: this.options,
        root: this.root,
        middleware: this.middleware,
        botId: () => this.botId,
        onTable: (table) => this.subscribe(table),
        swap: options.pluginSwap,
      },
      options.plugins ?? [],
    )
  }

  /**
   * Builds the singleton controllers (so a missing dependency fails here, not at the first message), sets the
   * plugins up, connects, then runs the `onStart` hooks.
   */
  async start(): Promise<void> {
    this.root.di.buildControllers()
    await this.plugins.setup()
    // Known before the first message when the platform answers; a rejected secret fails start() here, with
    // its own error. Anything else (the platform unreachable) is client.start()'s to report: asked again after.
    let botId = await this.botUserId({ rethrowRejectedCredentials: true })
    await this.interrupted?.start()
    await this.client.start()
    botId ??= await this.botUserId({ rethrowRejectedCredentials: false })
    if (botId) {
      this.botId = botId
      this.plugins.rebuild()
    } else this.client.logger.warn('could not read the bot user; @mentions of the bot will not count as a prefix')
    await this.root.startHooks()
    await this.plugins.start()
    if (this.options.panels) await syncCommandPanels(this.client, this.plugins.table.commands, this.options)
  }

  /** Runs the `onStop` hooks (plugins first), cancels open conversations, lets running handlers finish, and disconnects. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.plugins.stop()
      await this.root.stop()
      await this.interrupted?.stop()
      this.conversations.cancelAll()
      await this.client.stop()
    })()
    return this.stopping
  }

  /** Adds middleware around every event (after those given in the options, before the plugins'). */
  use(middleware: Middleware): this {
    this.middleware.push(middleware)
    this.plugins.rebuild()
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

  /**
   * Subscribes to the events a new table handles (one dispatcher per name; the intents follow). A name first
   * needed after the bot connected comes only if the intents it identified with cover it.
   */
  private subscribe(table: HandlerTable): void {
    for (const name of table.eventNames()) {
      if (this.subscribed.has(name)) continue
      if (this.client.running)
        this.client.logger.warn(
          { event: name },
          'a plugin loaded at run time handles an event the bot did not subscribe to at start: it arrives only if the intents cover it',
        )
      this.subscribed.add(name)
      this.client.on(name, this.dispatch)
    }
  }

  /** Every event goes to the current table; while a plugin is being swapped, it waits for the new one. */
  private onEvent(event: DispatchedEvent): Promise<void> | undefined {
    const held = this.plugins.held
    if (held) return held.then(() => this.onEvent(event))
    return this.handle(this.plugins.table, event)
  }

  private handle(table: HandlerTable, event: DispatchedEvent): Promise<void> | undefined {
    const tasks: (() => Promise<void>)[] = []
    const units = [...table.middlewareUnits]
    let leaveRouting: (() => void) | undefined
    if (table.commandEvents.has(event.name)) {
      leaveRouting = this.plugins.routing.enterOnce()
      const routed = leaveRouting
      tasks.push(() => this.onMessage(table, event, routed))
    }
    for (const route of table.events.get(event.name) ?? []) {
      units.push(route.unit)
      tasks.push(() => this.onTypedEvent(route, event))
    }
    const buttons = event.name === 'INTERACTION_CREATE' ? table.buttonInvoker : undefined
    if (buttons) {
      units.push(...table.buttonUnits)
      tasks.push(() => buttons.handle(event))
    }
    if (tasks.length === 0) return undefined
    for (const unit of units) unit.running.enter()
    const run = (task: () => Promise<void>) =>
      table.middleware.length === 0 ? task() : compose(table.middleware, event, task, `middleware for ${event.name}`)
    const done =
      tasks.length === 1
        ? run(tasks[0]!)
        : settleAll(
            tasks.map((task) => run(task)),
            event.name,
          )
    return done.finally(() => {
      leaveRouting?.()
      for (const unit of units) unit.running.leave()
    })
  }

  private async onTypedEvent(route: EventRoute, event: DispatchedEvent): Promise<void> {
    const { controller, handler, unit } = route
    const declaredState = controller.definition.options.state
    const eventState = this.state.forEvent(event)
    const context = new EventContext(event, this.client, { state: eventState, declaredState })
    await unit.di.instanceFor(controller.controller.prototype, EventContext, context)[handler.method]!(context)
    // Most handlers touch no state: then there is nothing to save, and no promise to wait for.
    if (eventState.touched) await eventState.save()
  }

  /** `routed` is called once the command (and so its plugin) is known, or when there is none. */
  private async onMessage(table: HandlerTable, event: DispatchedEvent, routed: () => void): Promise<void> {
    const scene = sceneOf(event)
    const content = (event.data as { content?: unknown }).content
    if (!scene || typeof content !== 'string') return routed()
    const chosen = this.options.prefixesFor(event, scene)
    const prefixes = Array.isArray(chosen) ? chosen : await chosen
    const route = table.router.route({ content, scene, prefixes, mentionedByPlatform: mentionsBot(event) })
    const command = route?.command
    const unit = command && table.unitOf(command)
    unit?.running.enter()
    routed()
    try {
      if (this.interrupted?.watches() && (await this.interrupted.answer(event, command !== undefined))) return
      if (!route) return
      const state = this.state.forEvent(event)
      if (!command) {
        const text = this.options.messages.COMMAND_UNKNOWN({ name: route.typed, suggestion: route.suggestion })
        if (text) await this.contextFor({ event, scene, command: route.typed, argsText: '', state }).reply(text)
        return
      }
      const declaredState = definitionOf(command.controller.constructor)?.options.state
      const context = this.contextFor({
        event,
        scene,
        command: command.definition.name,
        argsText: route.rest,
        state,
        declaredState,
        unit,
      })
      const labels: Record<string, string> = { command: command.path }
      if (unit?.name !== undefined) labels.plugin = unit.name
      try {
        await table.invoker.invoke(command, context, state)
        this.client.metricsRegistry.inc(COMMANDS_HANDLED, { ...labels, outcome: 'ok' })
      } catch (error) {
        this.client.metricsRegistry.inc(COMMANDS_HANDLED, { ...labels, outcome: 'failed' })
        annotateError(error, labels)
        throw error
      }
    } finally {
      unit?.running.leave()
    }
  }

  private contextFor(parts: {
    event: DispatchedEvent
    scene: Scene
    command: string
    argsText: string
    state: EventState
    declaredState?: StateDefinition | undefined
    unit?: PluginUnit | undefined
  }): CommandContext {
    const { unit, ...rest } = parts
    return new CommandContext({
      ...rest,
      client: this.client,
      store: unit?.store ?? this.root.store,
      messages: this.options.messages,
      conversations: this.conversations,
      owner: unit,
    })
  }
}

/** Runs every handler of one event; all failures are reported (one as itself, several as an AggregateError). */
async function settleAll(runs: Promise<void>[], name: string): Promise<void> {
  const settled = await Promise.allSettled(runs)
  const errors = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []))
  if (errors.length === 1) throw errors[0]
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} handlers failed for ${name}`)
}

/** Creates a bot from controllers, providers and plugins. Two bots in one process share nothing. */
export function createBot(options: BotOptions): Bot {
  return new Bot(options)
}
