import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { updateState } from '@qqbot/core'
import { describeStateStorageContract } from '../../../test/support/state-storage-contract.js'
import { PostgresStateStorage } from './postgres-state-storage.js'
import { POSTGRES_URL, dropTable, freshTable } from './test-postgres.js'

describeStateStorageContract('PostgresStateStorage on a pool it opened from a connection string', () => {
  const table = freshTable()
  return { storage: new PostgresStateStorage({ connection: POSTGRES_URL, table }), dispose: () => dropTable(table) }
})

describe('PostgresStateStorage', () => {
  it('creates its table once when several storages start on it at the same time', async () => {
    const table = freshTable()
    const storages = Array.from({ length: 4 }, () => new PostgresStateStorage({ connection: POSTGRES_URL, table }))
    try {
      const versions = await Promise.all(storages.map((storage, i) => storage.write(`k${i}`, '1', 0)))
      expect(versions).toEqual([1, 1, 1, 1])
      expect(await storages[0]!.read('k3')).toEqual({ json: '1', version: 1 })
    } finally {
      await Promise.all(storages.map((storage) => storage.close()))
      await dropTable(table)
    }
  })

  it('works on a pool it was given, and leaves it open on close()', async () => {
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 })
    const table = freshTable()
    const storage = new PostgresStateStorage({ connection: pool, table })
    try {
      expect(await storage.write('k', '{"a":1}', 0, { ttlMs: 60_000 })).toBe(1)
      await storage.close()
      const { rows } = await pool.query<{ version: string; ttl: boolean }>(
        `SELECT version, expires_at > now() + interval '50 seconds' AS ttl FROM "${table}" WHERE key = 'k'`,
      )
      expect(rows).toEqual([{ version: '1', ttl: true }])
    } finally {
      await dropTable(table)
      await pool.end()
    }
  })

  it('deletes expired rows after a write once the purge interval has passed', async () => {
    const table = freshTable()
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 })
    const storage = new PostgresStateStorage({ connection: pool, table, purgeIntervalMs: 0 })
    const rows = async () => (await pool.query(`SELECT key FROM "${table}" ORDER BY key`)).rows.map((row) => row.key)
    try {
      await storage.write('expiring', '1', 0, { ttlMs: 1 })
      // Each write starts a purge unless one is still running; write until one ran after the row expired.
      const writeAndList = async () => {
        await updateState<number>(storage, 'kept', (count) => (count ?? 0) + 1)
        return rows()
      }
      await expect.poll(writeAndList, { timeout: 10_000, interval: 50 }).toEqual(['kept'])
    } finally {
      await storage.close()
      await dropTable(table)
      await pool.end()
    }
  })

  it('fails with PostgresUnavailableError naming what to check when the server cannot be reached', async () => {
    const storage = new PostgresStateStorage({ connection: 'postgres://postgres@127.0.0.1:1/test' })
    try {
      await expect(storage.read('k')).rejects.toMatchObject({
        name: 'PostgresUnavailableError',
        code: 'POSTGRES_UNAVAILABLE',
        message: expect.stringContaining('ECONNREFUSED'),
      })
    } finally {
      await storage.close()
    }
  })

  it('refuses a table name that is not a plain SQL name', () => {
    for (const table of ['state; DROP TABLE x', 'a.b.c', '"quoted"', ''])
      expect(() => new PostgresStateStorage({ connection: POSTGRES_URL, table })).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      )
  })
})
