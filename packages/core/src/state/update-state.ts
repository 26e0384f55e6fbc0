import { ConfigError } from '../errors/qqbot-error.js'
import { StateConflictError, StateJsonError } from './state-errors.js'
import type { StateStorage, StateWriteOptions } from './state-storage.js'

/** Options of {@link updateState}. */
export interface UpdateStateOptions extends StateWriteOptions {
  /**
   * How many read-change-write rounds to try before giving up with {@link StateConflictError}. Each lost round
   * means another writer's update went through, so a low number only fails under heavy contention on one key.
   * Default 10.
   */
  maxAttempts?: number
}

/**
 * Changes the JSON value under `key` without losing a concurrent update, in this process or any other sharing
 * the storage: reads the value and its version, calls `change` with the value (`undefined` when absent), and
 * writes the result only if the version is still the one read; otherwise reads again and calls `change` again.
 * So `change` must be a pure function of its argument (it may run several times). Returning `undefined`
 * deletes the key. Resolves to the value written (or `undefined` when deleted).
 *
 * The value is parsed JSON, not validated: check it (a zod schema) where its shape matters.
 */
export async function updateState<T>(
  storage: StateStorage,
  key: string,
  change: (current: T | undefined) => T | undefined | Promise<T | undefined>,
  options: UpdateStateOptions = {},
): Promise<T | undefined> {
  const maxAttempts = options.maxAttempts ?? 10
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new ConfigError(`updateState: maxAttempts must be a whole number of at least 1; got ${maxAttempts}.`)
  const writeOptions: StateWriteOptions | undefined = options.ttlMs === undefined ? undefined : { ttlMs: options.ttlMs }
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const stored = await storage.read(key)
    const next = await change(stored === undefined ? undefined : parseState<T>(key, stored.json))
    if (next === undefined) {
      if (stored === undefined || (await storage.delete(key, stored.version))) return undefined
      continue
    }
    const written = await storage.write(key, JSON.stringify(next), stored?.version ?? 0, writeOptions)
    if (written !== undefined) return next
  }
  throw new StateConflictError(key, maxAttempts)
}

function parseState<T>(key: string, json: string): T {
  try {
    return JSON.parse(json) as T
  } catch (error) {
    throw new StateJsonError(key, error)
  }
}
