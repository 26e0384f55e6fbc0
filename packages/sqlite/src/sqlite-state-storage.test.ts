import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { describeStateStorageContract } from '../../../test/support/state-storage-contract.js'
import { SqliteStateStorage } from './sqlite-state-storage.js'

const dir = mkdtempSync(join(tmpdir(), 'qqbot-sqlite-state-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let now = Date.now()
describeStateStorageContract('SqliteStateStorage with an injected clock', () => ({
  storage: new SqliteStateStorage({ path: join(dir, 'clock.sqlite'), now: () => now }),
  advanceClock: (ms) => {
    now += ms
  },
}))

describeStateStorageContract('SqliteStateStorage with real time', () => ({
  storage: new SqliteStateStorage({ path: join(dir, 'real.sqlite'), table: 'bot_state' }),
}))

describe('SqliteStateStorage', () => {
  it('shares one file between two storages (as between two processes): versions and CAS hold across them', async () => {
    const path = join(dir, 'shared.sqlite')
    const first = new SqliteStateStorage({ path })
    const second = new SqliteStateStorage({ path })
    try {
      expect(await first.write('k', '1', 0)).toBe(1)
      expect(await second.write('k', '"late"', 0)).toBeUndefined()
      expect(await second.write('k', '2', 1)).toBe(2)
      expect(await first.read('k')).toEqual({ json: '2', version: 2 })
      expect(await first.write('k', '"stale"', 1)).toBeUndefined()
    } finally {
      await first.close()
      await second.close()
    }
  })

  it('keeps the state in the file across a reopen, in WAL mode', async () => {
    const path = join(dir, 'reopen.sqlite')
    const before = new SqliteStateStorage({ path })
    await before.write('k', '{"kept":true}', 0)
    await before.close()
    const after = new SqliteStateStorage({ path })
    try {
      expect(await after.read('k')).toEqual({ json: '{"kept":true}', version: 1 })
      const Database = (await import('better-sqlite3')).default
      const raw = new Database(path, { readonly: true })
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
      raw.close()
    } finally {
      await after.close()
    }
  })

  it('deletes expired rows from the file on a write once the purge interval has passed', async () => {
    let clock = 1_000_000
    const path = join(dir, 'purge.sqlite')
    const storage = new SqliteStateStorage({ path, now: () => clock, purgeIntervalMs: 60_000 })
    const Database = (await import('better-sqlite3')).default
    const raw = new Database(path, { readonly: true })
    const rows = () => (raw.prepare('SELECT count(*) AS n FROM qqbot_state').get() as { n: number }).n
    try {
      await storage.write('expiring', '1', 0, { ttlMs: 1_000 })
      clock += 2_000
      await storage.write('other', '1', 0)
      expect(rows()).toBe(2) // expired, but the last purge (the first write) was 2 s ago
      clock += 60_000
      await storage.write('another', '1', 0)
      expect(rows()).toBe(2)
      expect(await storage.read('expiring')).toBeUndefined()
    } finally {
      raw.close()
      await storage.close()
    }
  })

  it('refuses a table name that is not a plain SQL name', () => {
    expect(() => new SqliteStateStorage({ path: ':memory:', table: 'state; DROP TABLE x' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    )
  })
})
