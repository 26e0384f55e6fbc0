import type { QQBotClient } from '@qqbot/core'
import type { Middleware, ResolvedBotOptions } from '../bot/bot-options.js'
import type { PromptRegistry } from '../conversation/prompt-registry.js'
import type { BotState } from '../state/bot-state.js'
import { syncCommandPanels } from '../panels/sync-command-panels.js'
import type { Plugin } from './define-plugin.js'
import { HandlerTable } from './handler-table.js'
import { checkJoining, checkPlugin, pluginOf, requires, type JoinScope } from './plugin-checks.js'
import { PluginError } from './plugin-error.js'
import { PluginExports } from './plugin-exports.js'
import { PluginUnit } from './plugin-unit.js'
import { RunningCount } from './running-count.js'
import { within } from './within.js'

/** How a plugin is swapped at run time (`bot.plugins.load/unload/reload`). */
export interface PluginSwapOptions {
  /**
   * How long the outgoing version's running handlers (and then its open streamed replies) may take to finish
   * before it is disposed anyway. Events that arrive meanwhile wait for the new version. Default 5000 ms.
   */
  drainMs?: number
}

/** A loaded plugin, as `bot.plugins.list()` shows it. */
export interface LoadedPlugin {
  name: string
  version: string | undefined
  description: string | undefined
}

/** What the host needs from its bot. */
export interface PluginHostDeps {
  readonly client: QQBotClient
  readonly options: ResolvedBotOptions
  readonly state: BotState
  readonly conversations: PromptRegistry
  /** The bot's own controllers and providers. */
  readonly root: PluginUnit
  /** The bot's own middleware (a live list: `bot.use()` adds to it, then calls {@link PluginHost.rebuild}). */
  readonly middleware: readonly Middleware[]
  /** The bot's user id, once known. */
  readonly botId: () => string | undefined
  /** Called with every new table (the bot subscribes to the events it needs). */
  readonly onTable: (table: HandlerTable) => void
  readonly swap: PluginSwapOptions | undefined
}

const DEFAULT_DRAIN_MS = 5_000

/**
 * `bot.plugins`: the plugins of one bot, their lifetime, and the table of handlers built from them. Loading,
 * unloading and reloading run one at a time; during each, events wait (see {@link PluginHost.held}) and then
 * go to the new table, so none is lost, none runs on the outgoing code once the swap began, none runs twice.
 */
export class PluginHost {
  /** Set while a plugin is being swapped: events wait for it, then use the new table. */
  held: Promise<void> | undefined
  /** Events that passed the gate and have not found their command yet (they may still pick any unit). */
  readonly routing = new RunningCount()
  private current: HandlerTable
  private units: PluginUnit[]
  private readonly exports: PluginExports
  private readonly drainMs: number
  private queue: Promise<unknown> = Promise.resolve()
  private started = false
  /** The plugins given to createBot, waiting for {@link PluginHost.setup} (one given to load() is set up at once). */
  private pending: PluginUnit[]

  constructor(
    private readonly deps: PluginHostDeps,
    given: readonly unknown[],
  ) {
    this.drainMs = deps.swap?.drainMs ?? DEFAULT_DRAIN_MS
    this.exports = new PluginExports(deps.root.di.container)
    const plugins = given.map((value) => pluginOf(value))
    for (const [index, plugin] of plugins.entries()) {
      const name = plugin.declaration.name
      if (plugins.findIndex((other) => other.declaration.name === name) !== index)
        throw new PluginError('PLUGIN_NAME_TAKEN', name, `Plugin "${name}" is given twice in createBot({ plugins }).`)
    }
    const configs = new Map(plugins.map((plugin) => [plugin, checkPlugin(plugin)]))
    const ordered = checkJoining(plugins, [deps.root], this.joinScope())
    this.units = [deps.root, ...ordered.map((plugin) => this.unitOf(plugin, configs.get(plugin)))]
    this.pending = this.plugins()
    this.current = this.build(this.units)
  }

  /** The handlers now. */
  get table(): HandlerTable {
    return this.current
  }

  /** The loaded plugins, in load order. */
  list(): LoadedPlugin[] {
    return this.plugins().map((unit) => ({
      name: unit.name!,
      version: unit.plugin!.declaration.version,
      description: unit.description,
    }))
  }

  /** Loads a plugin into the running bot (its requirements must be loaded). Rejects with a {@link PluginError}. */
  load(value: Plugin | unknown): Promise<void> {
    const plugin = pluginOf(value)
    const name = plugin.declaration.name
    return this.swap(async () => {
      if (this.find(name))
        throw new PluginError('PLUGIN_NAME_TAKEN', name, `Plugin "${name}" is already loaded: reload it instead.`)
      const unit = this.prepare(plugin, this.units)
      await this.activate(unit)
      this.units.push(unit)
      this.exports.add(unit)
    })
  }

  /** Unloads a plugin: everything it registered is undone. Plugins that require it must be unloaded first. */
  unload(name: string): Promise<void> {
    return this.swap(async () => {
      const unit = this.loaded(name)
      const dependents = this.plugins().filter((other) => other !== unit && requires(other, unit))
      if (dependents.length > 0) {
        const names = dependents.map((other) => `"${other.name}"`).join(', ')
        throw new PluginError(
          'PLUGIN_REQUIRED',
          name,
          `Plugin "${name}" is required by ${names}: unload ${dependents.length === 1 ? 'it' : 'them'} first.`,
        )
      }
      await this.retire(unit)
      this.units = this.units.filter((other) => other !== unit)
    })
  }

  /**
   * Replaces the loaded plugin of the same name with this version (or config). When the new version's setup
   * fails, the old version is loaded again and the error is thrown.
   */
  reload(value: Plugin | unknown): Promise<void> {
    const plugin = pluginOf(value)
    const name = plugin.declaration.name
    return this.swap(async () => {
      const old = this.loaded(name)
      const others = this.units.filter((unit) => unit !== old)
      const unit = this.prepare(plugin, others)
      await this.retire(old)
      const at = this.units.indexOf(old)
      this.units = [...others]
      try {
        await this.activate(unit)
      } catch (error) {
        await this.restore(old, at).catch((again: unknown) =>
          old.logger.error({ err: again }, 'the previous version could not be loaded again either'),
        )
        throw error
      }
      this.units.splice(at, 0, unit)
      this.exports.add(unit)
    })
  }

  /** At `bot.start()`: sets each plugin given to createBot up, in order. One that fails is logged and left out, with what requires it. */
  async setup(): Promise<void> {
    const failed: PluginUnit[] = []
    const pending = this.pending.splice(0)
    for (const unit of pending) {
      const missing = failed.find((other) => requires(unit, other))
      if (missing) {
        unit.logger.error(`plugin not loaded: it requires "${missing.name}", which failed to load`)
        failed.push(unit)
        continue
      }
      try {
        await unit.setup()
        this.exports.add(unit)
      } catch (error) {
        unit.logger.error({ err: error }, `plugin setup failed; "${unit.name}" is not loaded, the others run`)
        await unit.stop()
        failed.push(unit)
      }
    }
    if (failed.length > 0) this.units = this.units.filter((unit) => !failed.includes(unit))
    this.rebuild()
  }

  /** Once connected: the `onStart` hooks of each plugin (one that fails is logged and unloaded). */
  async start(): Promise<void> {
    this.started = true
    for (const unit of this.plugins()) {
      try {
        await unit.startHooks()
      } catch (error) {
        unit.logger.error({ err: error }, `onStart failed; unloading "${unit.name}"`)
        await this.unload(unit.name!).catch((again: unknown) => unit.logger.error({ err: again }, 'unload failed'))
      }
    }
  }

  /** At `bot.stop()`: each plugin's `onStop` hooks and what it started, last loaded first. */
  async stop(): Promise<void> {
    await this.queue
    for (const unit of this.plugins().reverse()) await unit.stop()
  }

  /** Builds the table again from the same units (the bot's middleware or user id changed). */
  rebuild(): void {
    this.current = this.build(this.units)
  }

  /** Runs `work` with events held, one swap at a time; then the new table takes the events. */
  private swap(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      let release!: () => void
      this.held = new Promise((resolve) => (release = resolve))
      try {
        await work()
      } finally {
        this.rebuild()
        this.held = undefined
        release()
      }
      if (this.deps.options.panels && this.deps.client.running)
        await syncCommandPanels(this.deps.client, this.current.commands, this.deps.options)
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Checks a plugin against the units it would join, and builds its unit (not set up yet). */
  private prepare(plugin: Plugin, joining: readonly PluginUnit[]): PluginUnit {
    const config = checkPlugin(plugin)
    checkJoining([plugin], joining, this.joinScope())
    return this.unitOf(plugin, config)
  }

  private joinScope(): JoinScope {
    return {
      caseInsensitive: this.deps.options.caseInsensitive,
      provided: (token) => this.exports.providedByBot(token),
    }
  }

  /** Sets a new unit up; when the bot runs, its `onStart` hooks too. A failure undoes what it started. */
  private async activate(unit: PluginUnit): Promise<void> {
    try {
      await unit.setup()
      if (this.started) await unit.startHooks()
    } catch (error) {
      await unit.stop()
      unit.logger.error({ err: error }, `plugin setup failed; "${unit.name}" is not loaded`)
      throw new PluginError(
        'PLUGIN_SETUP_FAILED',
        unit.name!,
        `Plugin "${unit.name}" failed to set up: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      )
    }
  }

  private async restore(old: PluginUnit, at: number): Promise<void> {
    const unit = this.unitOf(old.plugin!, old.config)
    await this.activate(unit)
    this.units.splice(at, 0, unit)
    this.exports.add(unit)
  }

  /**
   * Takes a unit out while events are held: cancels its waiting questions (the users are told), lets its
   * running handlers finish and then its streams, both bounded, and stops it.
   */
  private async retire(unit: PluginUnit): Promise<void> {
    await unit.cancelPrompts()
    const drained = await within(
      this.routing.idle().then(() => unit.running.idle()),
      this.drainMs,
    )
    if (!drained)
      unit.logger.warn(
        { running: unit.running.size },
        `handlers still running after ${this.drainMs} ms; unloading anyway`,
      )
    if (!(await within(unit.resources.finishStreams(), this.drainMs)))
      unit.logger.warn(`streamed replies still open after ${this.drainMs} ms; unloading anyway`)
    this.exports.remove(unit)
    await unit.stop()
  }

  private unitOf(plugin: Plugin, config: unknown): PluginUnit {
    const { declaration } = plugin
    return new PluginUnit(
      {
        ...this.deps,
        clock: this.deps.options.clock,
        messages: this.deps.options.messages,
        displayPrefix: this.deps.options.displayPrefix,
      },
      plugin,
      config,
      {
        controllers: declaration.controllers ?? [],
        providers: declaration.providers ?? [],
        parent: this.deps.root.di.container,
      },
    )
  }

  private build(units: readonly PluginUnit[]): HandlerTable {
    const table = new HandlerTable(units, { ...this.deps, botId: this.deps.botId() })
    this.deps.onTable(table)
    return table
  }

  private plugins(): PluginUnit[] {
    return this.units.filter((unit) => unit.plugin !== undefined)
  }

  private find(name: string): PluginUnit | undefined {
    return this.units.find((unit) => unit.name === name)
  }

  private loaded(name: string): PluginUnit {
    const unit = this.find(name)
    if (unit) return unit
    const names = this.plugins().map((each) => `"${each.name}"`)
    throw new PluginError(
      'PLUGIN_NOT_LOADED',
      name,
      `No plugin "${name}" is loaded (loaded: ${names.length > 0 ? names.join(', ') : 'none'}).`,
    )
  }
}
