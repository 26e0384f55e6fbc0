import pg from 'pg'
import type { StateStorage, StateWriteOptions, StoredState } from '@qqbot/core'
import { stateTtlMs } from '@qqbot/core/adapter'
import { PostgresUnavailableError } from './errors.js'
import { stateSql, type StateSql } from './state-sql.js'

/** Options of {@link PostgresStateStorage}. */
export interface PostgresStateStorageOptions {
  /**
   * A connection string such as `postgres://user@127.0.0.1:5432/bot` (the storage opens a pool and closes it on
   * `close()`), or a `pg.Pool` you own (it stays open).
   */
  connection: string | pg.Pool
  /** The table, created if missing: `name` or `schema.name`, letters, digits and `_`. Default `qqbot_state`. */
  table?: string
  /** Rows whose TTL ran out are deleted at most this often, after a write. Default 60 000 ms (one minute). */
  purgeIntervalMs?: number
}

/**
 * Bot state in PostgreSQL, shared by every process of the bot. One row per key with its version; a first write
 * is an `INSERT … ON CONFLICT` that only replaces an expired row, every later write an `UPDATE … WHERE version
 * = expected`, so the compare-and-set holds under any number of concurrent writers. A TTL is an `expires_at`
 * column set by the server's clock: expired rows read as absent at once and are deleted later, after a write at
 * most every `purgeIntervalMs`. The table is created on first use.
 */
export class PostgresStateStorage implements StateStorage {
  private readonly pool: pg.Pool
  private readonly owned: boolean
  private readonly sql: StateSql
  private readonly purgeIntervalMs: number
  private tableReady: Promise<void> | undefined
  private lastPurge = Number.NEGATIVE_INFINITY
  private purging: Promise<void> | undefined

  constructor(options: PostgresStateStorageOptions) {
    this.sql = stateSql(options.table ?? 'qqbot_state')
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000
    this.owned = typeof options.connection === 'string'
    if (typeof options.connection === 'string') {
      this.pool = new pg.Pool({ connectionString: options.connection })
      // An idle connection that breaks (a server restart) is replaced on the next query; without a listener the
      // pool's 'error' event would end the process.
      this.pool.on('error', () => undefined)
    } else {
      this.pool = options.connection
    }
  }

  async read(key: string): Promise<StoredState | undefined> {
    await this.ensureTable()
    const { rows } = await this.pool.query<{ json: string; version: string }>({ ...this.sql.read, values: [key] })
    const row = rows[0]
    return row && { json: row.json, version: Number(row.version) }
  }

  async write(
    key: string,
    json: string,
    expectedVersion: number,
    options?: StateWriteOptions,
  ): Promise<number | undefined> {
    const ttlMs = stateTtlMs(options) ?? null
    if (!isVersion(expectedVersion)) return undefined // no row has it (and bigint would refuse it)
    await this.ensureTable()
    const written =
      expectedVersion === 0
        ? (await this.pool.query({ ...this.sql.insert, values: [key, json, ttlMs] })).rowCount === 1
        : (await this.pool.query({ ...this.sql.update, values: [key, json, ttlMs, expectedVersion] })).rowCount === 1
    this.purgeWhenDue()
    return written ? expectedVersion + 1 : undefined
  }

  async delete(key: string, expectedVersion: number): Promise<boolean> {
    if (!isVersion(expectedVersion)) return false
    await this.ensureTable()
    return (await this.pool.query({ ...this.sql.delete, values: [key, expectedVersion] })).rowCount === 1
  }

  /** Ends the pool if the storage opened it (from a connection string); a pool you passed in stays open. */
  async close(): Promise<void> {
    await this.purging
    if (this.owned && !this.pool.ended) await this.pool.end()
  }

  /** Creates the table on first use (again on the next call if that failed). */
  private ensureTable(): Promise<void> {
    this.tableReady ??= this.createTable().catch((error: unknown) => {
      this.tableReady = undefined
      throw error
    })
    return this.tableReady
  }

  private async createTable(): Promise<void> {
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw new PostgresUnavailableError(error instanceof Error ? error.message : String(error), { cause: error })
    }
    try {
      // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog; the lock makes processes take turns.
      await client.query('BEGIN')
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.sql.table])
      for (const statement of this.sql.create) await client.query(statement)
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw new PostgresUnavailableError(
        `creating table ${this.sql.table} failed (${error instanceof Error ? error.message : String(error)})`,
        { cause: error },
      )
    } finally {
      client.release()
    }
  }

  /** Starts a purge of expired rows when the last one is `purgeIntervalMs` ago; the write does not wait for it. */
  private purgeWhenDue(): void {
    const now = Date.now()
    if (this.purging || now - this.lastPurge < this.purgeIntervalMs) return
    this.lastPurge = now
    this.purging = this.pool
      .query(this.sql.purge)
      .then(
        () => undefined,
        () => undefined, // best effort: expired rows read as absent anyway, and the next purge retries
      )
      .finally(() => {
        this.purging = undefined
      })
  }
}

function isVersion(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0
}
