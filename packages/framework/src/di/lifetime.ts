/**
 * The framework's lifetime vocabulary, in one place. An instance has a {@link Lifetime}; a bot has two phases
 * its singletons can hook into, named after the methods that run them: `bot.start()` ends by calling
 * {@link OnStart.onStart}, `bot.stop()` begins by calling {@link OnStop.onStop}.
 */

/**
 * How long an instance lives, for providers (`{ token, useClass, lifetime }`) and controllers
 * (`@Controller({ lifetime })`):
 * - `singleton` (the default): one per bot. Its `onStart`/`onStop` hooks run.
 * - `transient`: a new one at every injection.
 * - `event`: one per event, shared by everything handling that event. It is built in the event's scope, where
 *   the event's context can be injected: `CommandContext` for a command, `EventContext` for an `@OnEvent`
 *   handler.
 */
export type Lifetime = 'singleton' | 'transient' | 'event'

/** The lifetimes a controller can have: a controller is built once per bot, or once per event. */
export type ControllerLifetime = Extract<Lifetime, 'singleton' | 'event'>

/** Implement on a controller or a singleton service to run code at the end of `bot.start()`, once connected. */
export interface OnStart {
  onStart(): unknown
}

/** Implement on a controller or a singleton service to clean up at the beginning of `bot.stop()`. */
export interface OnStop {
  onStop(): unknown
}

/**
 * @deprecated Renamed {@link OnStart} (`onReady()` → `onStart()`): "ready" is the core's word for a shard's
 * new session (`client.onReady`), which happens again on every reconnect. `onReady()` is still called, when a
 * class has no `onStart()`.
 */
export interface OnReady {
  onReady(): unknown
}

/**
 * @deprecated Renamed {@link OnStop} (`onShutdown()` → `onStop()`), after the method that runs it. `onShutdown()`
 * is still called, when a class has no `onStop()`.
 */
export interface OnShutdown {
  onShutdown(): unknown
}

/** A bot phase with hooks, and the method names called in it: the current name first, then the deprecated one. */
export const HOOK_METHODS = {
  start: ['onStart', 'onReady'],
  stop: ['onStop', 'onShutdown'],
} as const satisfies Record<string, readonly [keyof OnStart | keyof OnStop, keyof OnReady | keyof OnShutdown]>

export type HookPhase = keyof typeof HOOK_METHODS
