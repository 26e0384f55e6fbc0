import { createHash } from 'node:crypto'
import { ConfigError } from '@qqbot/core'

const PART = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/**
 * A statement run as a named prepared statement: each connection parses and plans it once. The name holds a hash
 * of the table, so storages of different tables can share a pool.
 */
export interface NamedStatement {
  readonly name: string
  readonly text: string
}

/** The SQL of one state table. Every statement is atomic on its own; TTLs are measured by the server's clock. */
export interface StateSql {
  /** The table as written in SQL (quoted, with its schema if given). */
  readonly table: string
  /** Creates the table and its expiry index if missing. */
  readonly create: string[]
  /** ($1 key) → the live row. */
  readonly read: NamedStatement
  /** ($1 key, $2 json, $3 ttlMs or null): a first write; takes the place of an expired row, never of a live one. */
  readonly insert: NamedStatement
  /** ($1 key, $2 json, $3 ttlMs or null, $4 expected version) → the new version, when it still matched. */
  readonly update: NamedStatement
  /** ($1 key, $2 expected version) */
  readonly delete: NamedStatement
  /** Deletes the rows whose TTL ran out. */
  readonly purge: string
}

/** The SQL for `table` (`name` or `schema.name`, each letters, digits and `_`); throws ConfigError otherwise. */
export function stateSql(table: string): StateSql {
  const parts = table.split('.')
  if (parts.length > 2 || !parts.every((part) => PART.test(part)))
    throw new ConfigError(
      `PostgresStateStorage: table "${table}" is not a plain SQL name; use letters, digits and _, optionally after a schema (e.g. "qqbot_state" or "bot.state").`,
    )
  const name = parts.map((part) => `"${part}"`).join('.')
  const index = `"${parts.at(-1)!.slice(0, 52)}_expires_at"`
  const tableHash = createHash('sha256').update(name).digest('hex').slice(0, 12)
  const named = (op: string, text: string): NamedStatement => ({ name: `qqbot_state_${op}_${tableHash}`, text })
  const live = '(expires_at IS NULL OR expires_at > now())'
  const expiresAt = `now() + $3::double precision * interval '1 millisecond'`
  return {
    table: name,
    create: [
      `CREATE TABLE IF NOT EXISTS ${name} (
        key text PRIMARY KEY,
        json text NOT NULL,
        version bigint NOT NULL,
        expires_at timestamptz
      )`,
      `CREATE INDEX IF NOT EXISTS ${index} ON ${name} (expires_at) WHERE expires_at IS NOT NULL`,
    ],
    read: named('read', `SELECT json, version FROM ${name} WHERE key = $1 AND ${live}`),
    insert: named(
      'insert',
      `INSERT INTO ${name} AS stored (key, json, version, expires_at) VALUES ($1, $2, 1, ${expiresAt})
      ON CONFLICT (key) DO UPDATE SET json = EXCLUDED.json, version = 1, expires_at = EXCLUDED.expires_at
      WHERE stored.expires_at IS NOT NULL AND stored.expires_at <= now()`,
    ),
    update: named(
      'update',
      `UPDATE ${name} SET json = $2, version = version + 1, expires_at = ${expiresAt}
      WHERE key = $1 AND version = $4 AND ${live} RETURNING version`,
    ),
    delete: named('delete', `DELETE FROM ${name} WHERE key = $1 AND version = $2 AND ${live}`),
    purge: `DELETE FROM ${name} WHERE expires_at IS NOT NULL AND expires_at <= now()`,
  }
}
