import type Database from 'better-sqlite3'
import type { StoredState } from '@qqbot/core'

/** The prepared statements of one state table; each is a single statement, so each runs atomically. */
export interface StateStatements {
  /** (key, now) → the live row. */
  read: Database.Statement<[string, number], StoredState>
  /** (key, json, expiresAt, now): a first write; takes the place of an expired row, never of a live one. */
  insert: Database.Statement<[string, string, number | null, number]>
  /** (json, expiresAt, key, expectedVersion, now): the compare-and-set of every later write. */
  update: Database.Statement<[string, number | null, string, number, number]>
  /** (key, expectedVersion, now) */
  delete: Database.Statement<[string, number, number]>
  /** (now): deletes the rows whose TTL ran out. */
  purge: Database.Statement<[number]>
}

/** Creates `table` if missing and prepares its statements. `table` must already be a checked plain name. */
export function prepareStatements(db: Database.Database, table: string): StateStatements {
  const name = `"${table}"`
  db.exec(`CREATE TABLE IF NOT EXISTS ${name} (
    key TEXT PRIMARY KEY NOT NULL,
    json TEXT NOT NULL,
    version INTEGER NOT NULL,
    expires_at INTEGER
  )`)
  const live = '(expires_at IS NULL OR expires_at > ?)'
  return {
    read: db.prepare(`SELECT json, version FROM ${name} WHERE key = ? AND ${live}`),
    insert: db.prepare(
      `INSERT INTO ${name} (key, json, version, expires_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (key) DO UPDATE SET json = excluded.json, version = 1, expires_at = excluded.expires_at
       WHERE ${name}.expires_at IS NOT NULL AND ${name}.expires_at <= ?`,
    ),
    update: db.prepare(
      `UPDATE ${name} SET json = ?, version = version + 1, expires_at = ? WHERE key = ? AND version = ? AND ${live}`,
    ),
    delete: db.prepare(`DELETE FROM ${name} WHERE key = ? AND version = ? AND ${live}`),
    purge: db.prepare(`DELETE FROM ${name} WHERE expires_at IS NOT NULL AND expires_at <= ?`),
  }
}
