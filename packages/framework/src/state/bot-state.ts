import { ConfigError, type SceneEvent } from '@qqbot/core'
import { KeyLock } from './key-lock.js'
import type { CellRuntime } from './state-cell.js'
import type { StateDefinition } from './state-definition.js'
import { EventState, type EventStateHost } from './event-state.js'
import { resolveStateOptions, type ResolvedStateOptions, type StateOptions } from './state-options.js'
import { systemClock, type Clock } from '../util/clock.js'

/** A bot's state: its storage, its per-key write queue, and which declaration owns each namespace. */
export class BotState implements EventStateHost {
  readonly runtime: CellRuntime
  private readonly owners = new Map<string, StateDefinition>()
  /** How many controllers claimed each namespace: a plugin's unload releases its own claims. */
  private readonly claims = new Map<string, number>()

  constructor(options: ResolvedStateOptions) {
    this.runtime = { storage: options.storage, lock: new KeyLock(), maxAttempts: options.maxAttempts }
  }

  /** Refuses a second declaration with a namespace already taken (one declaration may be used anywhere). */
  claim(definition: StateDefinition): void {
    const owner = this.owners.get(definition.namespace)
    if (owner === undefined) this.owners.set(definition.namespace, definition)
    else if (owner !== definition)
      throw new ConfigError(
        `Two different defineState() declarations use the namespace "${definition.namespace}": their values would overwrite each other. Give each its own namespace, or share one declaration.`,
      )
    this.claims.set(definition.namespace, (this.claims.get(definition.namespace) ?? 0) + 1)
  }

  /** Gives back one claim of `definition` (its controller was unloaded); the last one frees the namespace. */
  release(definition: StateDefinition): void {
    if (this.owners.get(definition.namespace) !== definition) return
    const left = (this.claims.get(definition.namespace) ?? 1) - 1
    if (left > 0) return void this.claims.set(definition.namespace, left)
    this.claims.delete(definition.namespace)
    this.owners.delete(definition.namespace)
  }

  /** The state of one event; nothing is read until a handler asks. */
  forEvent(event: SceneEvent): EventState {
    return new EventState(this, event)
  }
}

/**
 * State for a context built outside a bot (a unit test's mock context): in `options.storage`, or in memory of
 * its own (on `clock`). Nothing saves it unless its owner calls `save()`.
 */
export function detachedEventState(
  event: SceneEvent,
  options: StateOptions = {},
  clock: Clock = systemClock,
): EventState {
  return new BotState(resolveStateOptions(options, clock)).forEvent(event)
}
