import Database from 'better-sqlite3'
import { ConfigError, type StateStorage, type StateWriteOptions, type StoredState } from '@qqbot/core'
import { stateTtlMs } from '@qqbot/core/adapter'
import { prepareStatements, type StateStatements } from './statements.js'

/** Options of {@link SqliteStateStorage}. */
export interface SqliteStateStorageOptions {
  /**
   * The database file, created if missing (its directory must exist). Every process of the bot on this machine
   * may open the same file. `':memory:'` keeps the state in this process only. Default `qqbot-state.sqlite` in
   * the working directory.
   */
  path?: string
  /** The table the state lives in, created if missing: letters, digits and `_`. Default `qqbot_state`. */
  table?: string
  /**
   * How long a statement waits for another process's write to finish before failing with `SQLITE_BUSY`. The
   * wait blocks this process's event loop (better-sqlite3 is synchronous); writes are short, so it rarely
   * waits long. Default 5000 ms.
   */
  busyTimeoutMs?: number
  /** Rows whose TTL ran out are deleted at most this often, by a write. Default 60 000 ms (one minute). */
  purgeIntervalMs?: number
  /**
   * The clock TTLs are measured by, in ms since the epoch. Every process sharing the file must use the same
   * clock. Default `Date.now`.
   */
  now?: () => number
}

const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Bot state in an embedded SQLite file (better-sqlite3): the default for a bot on one machine, in one
 * process or several. The file runs in WAL mode, so readers never wait for the writer; writers of several
 * processes take turns (each waiting up to `busyTimeoutMs`). Every write is one statement, so the
 * compare-and-set on the version is atomic across processes. A TTL is an `expires_at` column: expired rows
 * read as absent at once and are deleted later, by a write at most every `purgeIntervalMs`.
 */
export class SqliteStateStorage implements StateStorage {
  private readonly db: Database.Database
  private readonly statements: StateStatements
  private readonly now: () => number
  private readonly purgeIntervalMs: number
  private lastPurge = Number.NEGATIVE_INFINITY

  constructor(options: SqliteStateStorageOptions = {}) {
    const table = options.table ?? 'qqbot_state'
    if (!TABLE_NAME.test(table))
      throw new ConfigError(
        `SqliteStateStorage: table "${table}" is not a plain SQL name; use letters, digits and _ (e.g. "qqbot_state").`,
      )
    this.now = options.now ?? Date.now
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000
    // The busy timeout applies from the start: switching to WAL and creating the table wait for other processes too.
    this.db = new Database(options.path ?? 'qqbot-state.sqlite', { timeout: options.busyTimeoutMs ?? 5_000 })
    try {
      this.db.pragma('journal_mode = WAL')
      // In WAL mode NORMAL never corrupts the file; a power cut may lose the last writes, a crash loses none.
      this.db.pragma('synchronous = NORMAL')
      this.statements = prepareStatements(this.db, table)
    } catch (error) {
      this.db.close()
      throw error
    }
  }

  async read(key: string): Promise<StoredState | undefined> {
    return this.statements.read.get(key, this.now())
  }

  async write(
    key: string,
    json: string,
    expectedVersion: number,
    options?: StateWriteOptions,
  ): Promise<number | undefined> {
    const ttlMs = stateTtlMs(options)
    const now = this.now()
    const expiresAt = ttlMs === undefined ? null : now + ttlMs
    this.purgeWhenDue(now)
    const { changes } =
      expectedVersion === 0
        ? this.statements.insert.run(key, json, expiresAt, now)
        : this.statements.update.run(json, expiresAt, key, expectedVersion, now)
    return changes === 1 ? expectedVersion + 1 : undefined
  }

  async delete(key: string, expectedVersion: number): Promise<boolean> {
    return this.statements.delete.run(key, expectedVersion, this.now()).changes === 1
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }

  private purgeWhenDue(now: number): void {
    if (now - this.lastPurge < this.purgeIntervalMs) return
    this.lastPurge = now
    this.statements.purge.run(now)
  }
}
