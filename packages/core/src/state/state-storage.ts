/**
 * One stored state value with its version. Versions start at 1 on the first write and grow by one on each
 * write; an absent key has version 0.
 */
export interface StoredState {
  /** The JSON text of the value, as written. */
  json: string
  version: number
}

/** Options of one write. */
export interface StateWriteOptions {
  /** Forget the key this long after the write. Default: kept until deleted. */
  ttlMs?: number
}

/**
 * Where bot state (per user, per chat, per guild) lives: memory for tests, an embedded SQLite file for a bot
 * on one machine, Redis or PostgreSQL for several processes. Every write is a compare-and-set on the version,
 * so two processes updating one key never lose an update: the loser gets `undefined` and reads again.
 */
export interface StateStorage {
  /** The value stored under `key`, or `undefined` when there is none (or its TTL ran out). */
  read(key: string): Promise<StoredState | undefined>
  /**
   * Stores `json` under `key` if its version is still `expectedVersion` (0: the key must be absent).
   * Resolves to the new version, or `undefined` when another write came first.
   */
  write(key: string, json: string, expectedVersion: number, options?: StateWriteOptions): Promise<number | undefined>
  /** Removes `key` if its version is still `expectedVersion`; resolves to whether it did. */
  delete(key: string, expectedVersion: number): Promise<boolean>
  /** Releases connections or files the storage opened itself. */
  close?(): Promise<void>
}
