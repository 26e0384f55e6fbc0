import { ConfigError, MemoryStateStorage, type StateStorage } from '@qqbot/core'
import type { Clock } from '../util/clock.js'

/** Where `ctx.state` lives and how hard its writes try: `createBot({ state: { storage } })`. */
export interface StateOptions {
  /**
   * Where state is stored. Default: a `MemoryStateStorage` of this bot, which is lost when the process exits
   * and not shared between processes; give a SQLite, Redis or PostgreSQL storage to keep it. The bot does not
   * close a storage you pass: close it after `bot.stop()`.
   */
  storage?: StateStorage
  /**
   * How many times `update()`, `delete()` and the save of a value set without reading try when another process
   * wrote the same key first, before `StateConflictError`. Writes from one process to one key are queued, so
   * only other processes cause retries. Default 10.
   */
  maxAttempts?: number
}

export interface ResolvedStateOptions {
  storage: StateStorage
  maxAttempts: number
}

const DEFAULT_MAX_ATTEMPTS = 10

/** Applies the defaults; the default memory storage reads the bot's clock, so TTLs follow a test's manual clock. */
export function resolveStateOptions(options: StateOptions = {}, clock: Clock): ResolvedStateOptions {
  const { maxAttempts = DEFAULT_MAX_ATTEMPTS } = options
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1))
    throw new ConfigError(`state.maxAttempts must be a whole number from 1; got ${maxAttempts}.`)
  return { storage: options.storage ?? new MemoryStateStorage(() => clock.now()), maxAttempts }
}
