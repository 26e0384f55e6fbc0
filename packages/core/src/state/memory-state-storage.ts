import type { StateStorage, StateWriteOptions, StoredState } from './state-storage.js'
import { stateTtlMs } from './state-ttl.js'

interface Entry extends StoredState {
  expiresAt: number | undefined
}

/** State in a Map of this process: for tests and for a bot whose state may be lost on restart. */
export class MemoryStateStorage implements StateStorage {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly now: () => number = Date.now) {}

  read(key: string): Promise<StoredState | undefined> {
    const entry = this.live(key)
    return Promise.resolve(entry && { json: entry.json, version: entry.version })
  }

  // async: an invalid TTL rejects the promise, as in every other storage, rather than throwing on the call.
  async write(
    key: string,
    json: string,
    expectedVersion: number,
    options?: StateWriteOptions,
  ): Promise<number | undefined> {
    const ttlMs = stateTtlMs(options)
    const version = this.live(key)?.version ?? 0
    if (version !== expectedVersion) return undefined
    const expiresAt = ttlMs === undefined ? undefined : this.now() + ttlMs
    this.entries.set(key, { json, version: version + 1, expiresAt })
    return version + 1
  }

  delete(key: string, expectedVersion: number): Promise<boolean> {
    const entry = this.live(key)
    if (!entry || entry.version !== expectedVersion) return Promise.resolve(false)
    this.entries.delete(key)
    return Promise.resolve(true)
  }

  /** The entry under `key` unless its TTL ran out (then it is forgotten). */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry?.expiresAt !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }
}
