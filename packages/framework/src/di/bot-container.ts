import {
  container as rootContainer,
  instanceCachingFactory,
  instancePerContainerCachingFactory,
  Lifecycle,
  type DependencyContainer,
  type InjectionToken,
} from 'tsyringe'
import { ConfigError } from '@qqbot/core'
import { HOOK_METHODS, type ControllerLifetime, type HookPhase, type Lifetime } from './lifetime.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Constructor<T = object> = new (...args: any[]) => T

/** A dependency: a class (a singleton per bot), or a token with a value, a class or a factory. */
export type Provider =
  | Constructor
  | { token: InjectionToken; useValue: unknown }
  | { token: InjectionToken; useClass: Constructor; lifetime?: Lifetime }
  | { token: InjectionToken; useFactory: (container: DependencyContainer) => unknown; lifetime?: Lifetime }

/** A controller instance, seen as its handler methods. */
export type ControllerInstance = Record<string | symbol, (...args: unknown[]) => unknown>

/** tsyringe's name for each of our lifetimes (class providers; factories get the matching caching factory). */
const TSYRINGE_LIFECYCLE: Record<Lifetime, Lifecycle> = {
  singleton: Lifecycle.Singleton,
  transient: Lifecycle.Transient,
  event: Lifecycle.ContainerScoped,
}

interface ControllerEntry {
  controller: Constructor
  lifetime: ControllerLifetime
  /** The singleton, once built: resolved once, so the per-message path makes no container lookup. */
  instance?: ControllerInstance
}

/**
 * One bot's dependency injection: a child of tsyringe's root container holding this bot's providers and
 * controllers (nobody else's), the event scopes `event`-lifetime instances live in, and the singletons whose
 * `onStart`/`onStop` hooks the bot runs.
 */
export class BotContainer {
  /** This bot's container (a child of tsyringe's root), or a plugin's (a child of its bot's). */
  readonly container: DependencyContainer
  /** Singleton providers, in registration order: their hooks run before the controllers'. */
  private readonly singletonTokens: InjectionToken[] = []
  /** By controller prototype (what a registered command points at). */
  private readonly controllers = new Map<object, ControllerEntry>()

  constructor(providers: readonly Provider[], parent: DependencyContainer = rootContainer) {
    this.container = parent.createChildContainer()
    for (const provider of providers) this.addProvider(provider)
  }

  addController(controller: Constructor, lifetime: ControllerLifetime): void {
    if (lifetime === 'event')
      this.container.register(controller, { useClass: controller }, { lifecycle: TSYRINGE_LIFECYCLE.event })
    else this.container.registerSingleton(controller)
    this.controllers.set(controller.prototype, { controller, lifetime })
  }

  /**
   * The instance of the controller (by prototype) that handles one event: the bot's singleton, or, for an
   * `event` lifetime, a new one built in a fresh event scope where `context` is registered under `contextToken`.
   */
  instanceFor<T>(prototype: object, contextToken: InjectionToken<T>, context: T): ControllerInstance {
    const entry = this.controllers.get(prototype)
    if (!entry) throw new Error(`No controller is registered for ${String(prototype.constructor?.name)}.`)
    if (entry.lifetime === 'singleton') return this.singletonOf(entry)
    const scope = this.container.createChildContainer()
    scope.register(contextToken, { useValue: context })
    return scope.resolve(entry.controller) as ControllerInstance
  }

  /** Builds the singleton controllers now, so a missing dependency fails `start()`, not the first message. */
  buildControllers(): void {
    for (const entry of this.controllers.values()) {
      // An event-lifetime controller can only be built inside an event (it may inject the context).
      if (entry.lifetime !== 'singleton') continue
      try {
        this.singletonOf(entry)
      } catch (error) {
        throw new ConfigError(
          `Cannot create controller ${entry.controller.name}: ${(error as Error).message.replace(/\s+/g, ' ').trim()}. Register what its constructor needs in createBot({ providers }), and mark service classes with @Injectable().`,
        )
      }
    }
  }

  /**
   * Calls `onStart` (or the deprecated `onReady`) on every singleton service, then every singleton controller,
   * in registration order. The first failure is thrown: it fails `start()`.
   */
  runStartHooks(): Promise<void> {
    return this.runHooks('start', (error) => {
      throw error
    })
  }

  /**
   * Calls `onStop` (or the deprecated `onShutdown`) in the same order. A failure goes to `onError` and the
   * others still run; what could not be built (after a failed start) has nothing to stop.
   */
  runStopHooks(onError: (error: unknown, hook: string) => void): Promise<void> {
    return this.runHooks('stop', onError)
  }

  private addProvider(provider: Provider): void {
    if (typeof provider === 'function') {
      this.container.registerSingleton(provider)
      this.singletonTokens.push(provider)
    } else if ('useValue' in provider) {
      this.container.register(provider.token, { useValue: provider.useValue })
    } else if ('useClass' in provider) {
      const lifetime = provider.lifetime ?? 'singleton'
      this.container.register(
        provider.token,
        { useClass: provider.useClass },
        { lifecycle: TSYRINGE_LIFECYCLE[lifetime] },
      )
      if (lifetime === 'singleton') this.singletonTokens.push(provider.token)
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
      if (lifetime === 'singleton') this.singletonTokens.push(provider.token)
    } else {
      throw new ConfigError(
        `A provider must be a class or { token, useValue | useClass | useFactory }; got ${JSON.stringify(provider)}.`,
      )
    }
  }

  private async runHooks(phase: HookPhase, onError: (error: unknown, hook: string) => void): Promise<void> {
    const targets = new Set<object>()
    const collect = (build: () => unknown) => {
      try {
        targets.add(build() as object)
      } catch (error) {
        if (phase === 'start') throw error
      }
    }
    for (const token of this.singletonTokens) collect(() => this.container.resolve(token))
    for (const entry of this.controllers.values())
      if (entry.lifetime === 'singleton') collect(() => this.singletonOf(entry))
    const [current, deprecated] = HOOK_METHODS[phase]
    for (const target of targets) {
      const hooks = target as Record<string, unknown>
      const name = typeof hooks[current] === 'function' ? current : deprecated
      const method = hooks[name]
      if (typeof method !== 'function') continue
      try {
        await method.call(target)
      } catch (error) {
        onError(error, name)
      }
    }
  }

  private singletonOf(entry: ControllerEntry): ControllerInstance {
    return (entry.instance ??= this.container.resolve(entry.controller) as ControllerInstance)
  }
}
