import { QQBotError, StateConflictError } from '@qqbot/core'
import type { StateScope } from './state-definition.js'

/** Names one stored value in error texts: its namespace, scope and storage key. */
export interface StateLocation {
  readonly namespace: string
  readonly scope: StateScope
  /** The storage key, e.g. `counter:user:u1`. */
  readonly key: string
}

/**
 * A stored state value did not validate against its schema (and no `migrate` hook fixed it), or a handler set
 * a value its schema refuses. `issues` says what did not validate, one line per problem.
 */
export class StateValidationError extends QQBotError implements StateLocation {
  readonly namespace: string
  readonly scope: StateScope
  readonly key: string
  readonly issues: readonly string[]

  constructor(location: StateLocation, problem: string, issues: readonly string[], advice: string) {
    super('STATE_INVALID', `State ${describe(location)} ${problem}: ${issues.join('; ')}. ${advice}`)
    this.namespace = location.namespace
    this.scope = location.scope
    this.key = location.key
    this.issues = issues
  }
}

/**
 * Another write to the same state came first and this one could not be retried safely: the changes a handler
 * made to the value it read were not saved (`update()` gave up only after its retries). The core's
 * `StateConflictError`, with a text that names the namespace and scope and says what to write instead.
 */
export function stateConflict(location: StateLocation, what: string, attempts: number): StateConflictError {
  return new StateConflictError(
    location.key,
    attempts,
    `State ${describe(location)} was changed by another event while ${what}, so this change was not saved. ` +
      `Make changes that depend on the current value with \`ctx.state.${location.scope}.update(value => next)\`, which re-reads and retries.`,
  )
}

/** The event has no id for the scope asked: no guild outside guild channels, no user in some platform events. */
export class StateScopeUnavailableError extends QQBotError {
  readonly namespace: string
  readonly scope: StateScope

  constructor(namespace: string, scope: StateScope, eventName: string) {
    super(
      'STATE_SCOPE_UNAVAILABLE',
      `${eventName} has no ${scope} id, so state ${namespace}.${scope} cannot be read or written here. ` +
        `Check \`ctx.state.${scope}.available\` first, or limit the command to scenes that have one.`,
    )
    this.namespace = namespace
    this.scope = scope
  }
}

function describe(location: StateLocation): string {
  return `${location.namespace}.${location.scope} (key ${location.key})`
}
