import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** Tests use the real server: POSTGRES_URL, or the local default (trust auth, database `test`). */
export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A table name no other test run uses. */
export function freshTable(): string {
  return `qqbot_state_test_${randomBytes(4).toString('hex')}`
}

/** Drops `table` (a name from {@link freshTable}) with a connection of its own. */
export async function dropTable(table: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  try {
    await client.query(`DROP TABLE IF EXISTS "${table}"`)
  } finally {
    await client.end()
  }
}
