import type { DependencyContainer } from 'tsyringe'
import { ConfigError, type QQBotClient, type ReplyStream } from '@qqbot/core'
import type { Middleware } from '../bot/bot-options.js'
import type { ContextOwner } from '../context/contexts.js'
import type { PromptRegistry } from '../conversation/prompt-registry.js'
import { BotContainer, type Constructor, type Provider } from '../di/bot-container.js'
import type { MessageTable } from '../i18n/messages.js'
import { checkController } from '../metadata/check-controller.js'
import { definitionOf, type ControllerDefinition } from '../metadata/controller-metadata.js'
import type { BotState } from '../state/bot-state.js'
import { CLOCK_KEY, type Clock } from '../util/clock.js'
import type { Plugin, PluginSetupContext } from './define-plugin.js'
import { OwnedResources } from './owned-resources.js'
import { PluginError } from './plugin-error.js'
import { RunningCount } from './running-count.js'

/** What every unit of one bot shares. */
export interface UnitHost {
  readonly client: QQBotClient
  readonly clock: Clock
  readonly conversations: PromptRegistry
  readonly messages: MessageTable
  /** The prefix shown in usage lines: a command name must not start with it (see `checkController`). */
  readonly displayPrefix: string
  readonly state: BotState
}

/** One controller of a unit, with what its decorators recorded. */
export interface UnitController {
  readonly controller: Constructor
  readonly definition: ControllerDefinition
}

/**
 * A loaded plugin (or, with no plugin, the bot's own `controllers` and `providers`): its DI container, its
 * controllers, its guard state, its middleware, what it started, and how many of its handlers run now. The
 * handler table is built from units; unloading a unit undoes everything it registered.
 */
export class PluginUnit implements ContextOwner {
  /** The plugin's name; `undefined` for the bot's own controllers. */
  readonly name: string | undefined
  readonly di: BotContainer
  readonly logger: QQBotClient['logger']
  /** Guard state (cooldown clocks): the plugin's own, dropped with it. */
  readonly store = new Map<unknown, unknown>()
  readonly middleware: Middleware[] = []
  readonly running = new RunningCount()
  readonly controllers: readonly UnitController[]
  readonly resources: OwnedResources

  constructor(
    private readonly host: UnitHost,
    /** The plugin, with its parsed config; `undefined` for the bot's own controllers. */
    readonly plugin: Plugin | undefined,
    readonly config: unknown,
    parts: { controllers: readonly Constructor[]; providers: readonly Provider[]; parent?: DependencyContainer },
  ) {
    this.name = plugin?.declaration.name
    this.logger = this.name === undefined ? host.client.logger : host.client.logger.child({ plugin: this.name })
    this.store.set(CLOCK_KEY, host.clock)
    this.resources = new OwnedResources(host.clock, (error, what) =>
      this.logger.error({ err: error }, `${what} of ${this.describe()} failed`),
    )
    this.controllers = parts.controllers.map((controller) => this.controllerOf(controller))
    this.di = new BotContainer(parts.providers, parts.parent)
    for (const { controller, definition } of this.controllers) {
      if (definition.options.state) host.state.claim(definition.options.state)
      this.di.addController(controller, definition.options.lifetime ?? 'singleton')
    }
  }

  /** The plugin's description, shown above its commands in `/help`. */
  get description(): string | undefined {
    return this.plugin?.declaration.description
  }

  /** `plugin "dice"`, or `the bot's controllers`, for messages. */
  describe(): string {
    return this.name === undefined ? "the bot's controllers" : `plugin "${this.name}"`
  }

  /** Runs the plugin's `setup`, then builds its singleton controllers (a missing dependency fails here). */
  async setup(): Promise<void> {
    const setup = this.plugin?.declaration.setup
    if (setup) await setup(this.setupContext())
    this.di.buildControllers()
  }

  startHooks(): Promise<void> {
    return this.di.runStartHooks()
  }

  trackStream(stream: ReplyStream): void {
    this.resources.trackStream(stream)
  }

  /** Cancels the questions the plugin's commands are waiting on, telling each user that the command changed. */
  async cancelPrompts(): Promise<void> {
    const asked = this.host.conversations.cancelOwnedBy(this)
    const text = this.host.messages.COMMAND_CHANGED({})
    if (!text) return
    await Promise.all(
      asked.map((event) =>
        this.host.client.reply(event, text).catch((error: unknown) => {
          this.logger.warn({ err: error }, 'could not tell a waiting user that the command changed')
        }),
      ),
    )
  }

  /** Runs the `onStop` hooks, clears the timers and runs the dispose callbacks; failures are logged. */
  async stop(): Promise<void> {
    await this.di.runStopHooks((error, hook) => this.logger.error({ err: error }, `${hook} hook failed`))
    await this.resources.dispose()
    for (const { definition } of this.controllers)
      if (definition.options.state) this.host.state.release(definition.options.state)
  }

  private setupContext(): PluginSetupContext<unknown> {
    const { resources } = this
    return {
      name: this.name!,
      config: this.config,
      logger: this.logger,
      container: this.di.container,
      client: this.host.client,
      use: (middleware) => void this.middleware.push(middleware),
      setTimeout: (callback, ms) => resources.setTimeout(callback, ms),
      setInterval: (callback, ms) => resources.setInterval(callback, ms),
      onDispose: (dispose) => resources.onDispose(dispose),
    }
  }

  private controllerOf(controller: Constructor): UnitController {
    const definition = typeof controller === 'function' ? definitionOf(controller) : undefined
    if (!definition?.decorated) {
      const what = `${(controller as { name?: string })?.name ?? String(controller)} is not a controller`
      const handlers = definition?.commands.map((command) => `@Command('${command.name}')`) ?? []
      const fix = `decorate the class with @Controller()${handlers.length > 0 ? `, or its ${handlers.join(', ')} never answer` : ''}.`
      if (this.name === undefined) throw new ConfigError(`${what}: ${fix}`)
      throw new PluginError('PLUGIN_INVALID', this.name, `${what} (in ${this.describe()}): ${fix}`)
    }
    checkController(controller, definition, ['/', this.host.displayPrefix])
    return { controller, definition }
  }
}
