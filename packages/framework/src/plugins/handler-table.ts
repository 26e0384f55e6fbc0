import type { InjectionToken } from 'tsyringe'
import type { QQBotClient } from '@qqbot/core'
import type { Middleware, ResolvedBotOptions } from '../bot/bot-options.js'
import { ButtonInvoker } from '../buttons/button-invoker.js'
import { ButtonRegistry } from '../buttons/button-registry.js'
import { CommandRegistry, type RegisteredCommand } from '../commands/command-registry.js'
import { CommandRouter } from '../commands/command-router.js'
import { Invoker } from '../commands/invoker.js'
import { COMMAND_EVENTS } from '../context/contexts.js'
import type { ControllerInstance } from '../di/bot-container.js'
import { helpController } from '../help/help-controller.js'
import type { HelpSection } from '../help/help-renderer.js'
import { definitionOf, type EventHandlerDefinition } from '../metadata/controller-metadata.js'
import type { BotState } from '../state/bot-state.js'
import type { PluginUnit, UnitController } from './plugin-unit.js'

/** An `@OnEvent` handler with the unit it belongs to. */
export interface EventRoute {
  readonly unit: PluginUnit
  readonly controller: UnitController
  readonly handler: EventHandlerDefinition
}

/** What a table is built with besides the units. */
export interface HandlerTableDeps {
  readonly client: QQBotClient
  readonly options: ResolvedBotOptions
  readonly state: BotState
  /** The bot's own middleware (options, then `bot.use()`): outside every plugin's. */
  readonly middleware: readonly Middleware[]
  /** The bot's user id, once known: a leading @mention of it counts as a prefix. */
  readonly botId: string | undefined
}

/**
 * What handles each event, built from the loaded units (the bot's own controllers first, then the plugins in
 * load order, then the built-in help): commands, `@OnEvent` handlers, button handlers and middleware. It never
 * changes: loading or unloading a plugin builds a new table and swaps it in whole, so no event sees half a swap.
 */
export class HandlerTable {
  readonly registry: CommandRegistry
  readonly router: CommandRouter
  readonly invoker: Invoker
  readonly buttons = new ButtonRegistry()
  readonly buttonInvoker: ButtonInvoker | undefined
  /** The `@OnEvent` handlers by event name. */
  readonly events = new Map<string, EventRoute[]>()
  /** The message events that can carry one of the commands. */
  readonly commandEvents = new Set<string>()
  /** The bot's middleware, then each unit's. */
  readonly middleware: readonly Middleware[]
  /** Units with middleware: their code runs for every event. */
  readonly middlewareUnits: readonly PluginUnit[]
  /** Units with button handlers: a click may run any of them. */
  readonly buttonUnits: readonly PluginUnit[]
  /** Every command once, in registration order (read on every message by the event order). */
  readonly commands: readonly RegisteredCommand[]
  private readonly owners = new Map<object, PluginUnit>()

  constructor(
    readonly units: readonly PluginUnit[],
    deps: HandlerTableDeps,
  ) {
    const { options } = deps
    this.registry = new CommandRegistry(options.caseInsensitive, options.displayPrefix)
    this.router = new CommandRouter(this.registry, options)
    if (deps.botId) this.router.recognizeMention(deps.botId)
    const buttonUnits = new Set<PluginUnit>()
    for (const unit of units) {
      for (const entry of unit.controllers) {
        const { controller, definition } = entry
        const { scenes, group } = definition.options
        this.owners.set(controller.prototype, unit)
        for (const command of definition.commands)
          this.registry.add(controller.prototype, command, scenes, definition.guards, group)
        for (const handler of definition.buttons) {
          this.buttons.add(controller.prototype, handler, scenes, definition.guards)
          buttonUnits.add(unit)
        }
        for (const handler of definition.events) {
          const routes = this.events.get(handler.event) ?? []
          routes.push({ unit, controller: entry, handler })
          this.events.set(handler.event, routes)
        }
      }
    }
    const sections = new Map(units.map((unit) => [unit, sectionOf(unit)]))
    const help = helpController(this.registry, options, (command) => {
      const unit = this.owners.get(command.controller)
      return unit && sections.get(unit)
    })
    let helpInstance: ControllerInstance | undefined
    if (help) {
      const definition = definitionOf(help)!
      for (const command of definition.commands) this.registry.add(help.prototype, command, definition.options.scenes)
      helpInstance = new help() as ControllerInstance
    }
    for (const scene of this.registry.scenes()) for (const name of COMMAND_EVENTS[scene]) this.commandEvents.add(name)
    this.commands = this.registry.all()
    const instances = {
      instanceFor: <T>(prototype: object, token: InjectionToken<T>, context: T): ControllerInstance => {
        const unit = this.owners.get(prototype)
        if (unit) return unit.di.instanceFor(prototype, token, context)
        if (helpInstance && prototype === help?.prototype) return helpInstance
        throw new Error(`No controller is registered for ${String(prototype.constructor?.name)}.`)
      },
    }
    this.invoker = new Invoker(instances, options)
    this.buttonUnits = [...buttonUnits]
    // With no button handler left (their plugin was unloaded), clicks are still acknowledged as unmatched, unless
    // an @OnEvent('INTERACTION_CREATE') handler answers them itself.
    this.buttonInvoker =
      this.buttons.size === 0 && this.events.has('INTERACTION_CREATE')
        ? undefined
        : new ButtonInvoker({
            client: deps.client,
            registry: this.buttons,
            instances,
            storeFor: (handler) => this.owners.get(handler.controller)!.store,
            state: deps.state,
            messages: options.messages,
            zodLocale: options.zodLocale,
            clock: options.clock,
            ackAfterMs: options.buttonAckAfterMs,
          })
    this.middlewareUnits = units.filter((unit) => unit.middleware.length > 0)
    this.middleware = [...deps.middleware, ...this.middlewareUnits.flatMap((unit) => unit.middleware)]
  }

  /** The unit a command belongs to; `undefined` for the built-in help. */
  unitOf(command: RegisteredCommand): PluginUnit | undefined {
    return this.owners.get(command.controller)
  }

  /** Every event name something in this table handles. */
  eventNames(): Set<string> {
    const names = new Set([...this.commandEvents, ...this.events.keys()])
    if (this.buttons.size > 0) names.add('INTERACTION_CREATE')
    return names
  }
}

function sectionOf(unit: PluginUnit): HelpSection | undefined {
  return unit.name === undefined ? undefined : { name: unit.name, description: unit.description }
}
