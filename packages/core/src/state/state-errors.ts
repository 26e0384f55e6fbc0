import { QQBotError } from '../errors/qqbot-error.js'

/** {@link updateState} lost the compare-and-set race on every attempt: other writers kept changing the key. */
export class StateConflictError extends QQBotError {
  /** `message` replaces the default text (the framework names the namespace and scope, and its own advice). */
  constructor(
    readonly key: string,
    readonly attempts: number,
    message = `State "${key}" changed under every one of ${attempts} update attempt(s); the update was not applied. Raise maxAttempts, or spread hot counters over several keys.`,
  ) {
    super('STATE_CONFLICT', message)
  }
}

/** The text stored under a state key is not JSON (written by something other than this framework, or damaged). */
export class StateJsonError extends QQBotError {
  constructor(
    readonly key: string,
    cause: unknown,
  ) {
    super(
      'STATE_NOT_JSON',
      `State "${key}" does not hold JSON text, so it cannot be read. Delete the key or write a JSON value to it.`,
      { cause },
    )
  }
}

/** A state write asked for a TTL that is not a positive, finite number of milliseconds. */
export class StateTtlError extends QQBotError {
  constructor(ttlMs: unknown) {
    super(
      'STATE_TTL_INVALID',
      `ttlMs must be a positive, finite number of milliseconds; got ${String(ttlMs)}. Leave it out to keep the key until it is deleted.`,
    )
  }
}
