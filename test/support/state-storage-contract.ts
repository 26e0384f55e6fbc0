import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { updateState, type StateStorage } from '@qqbot/core'

/** One storage to run the contract against, and what the contract may do with it. */
export interface StateStorageUnderTest {
  storage: StateStorage
  /**
   * Moves the storage's clock forward, for storages with an injectable clock. Without it the TTL tests use
   * short real TTLs and poll until the key is gone.
   */
  advanceClock?: (ms: number) => void | Promise<void>
  /** Runs after `storage.close()`: drops the test's table or keys and closes what the test opened itself. */
  dispose?: () => Promise<void>
}

/** A short TTL for the expiry tests; keys written with {@link LONG_TTL_MS} must outlive it by far. */
const SHORT_TTL_MS = 200
const LONG_TTL_MS = 10 * 60_000
/** How long a short-TTL key may take to disappear on a busy machine before the test fails. */
const EXPIRY_WAIT = { timeout: 15_000, interval: 25 }

/**
 * Declares the tests every {@link StateStorage} must pass: versions, compare-and-set, delete, TTL, values that
 * are hard to store, and races between concurrent writers. `open` runs once for the whole suite; every test
 * uses keys of its own, so the storage may be shared with other data.
 */
export function describeStateStorageContract(
  name: string,
  open: () => StateStorageUnderTest | Promise<StateStorageUnderTest>,
): void {
  describe(`${name}: the StateStorage contract`, () => {
    let subject: StateStorageUnderTest
    let storage: StateStorage
    const run = randomBytes(4).toString('hex')
    let keys = 0
    const freshKey = (label: string) => `contract:${run}:${label}:${++keys}`

    /** Waits until `key` reads as absent: advances the clock past the TTL where possible, else polls. */
    const expire = async (key: string) => {
      if (subject.advanceClock) await subject.advanceClock(SHORT_TTL_MS + 1)
      await vi.waitFor(async () => expect(await storage.read(key)).toBeUndefined(), EXPIRY_WAIT)
    }

    beforeAll(async () => {
      subject = await open()
      storage = subject.storage
    })
    afterAll(async () => {
      await storage?.close?.()
      await subject?.dispose?.()
    })

    describe('versions and compare-and-set', () => {
      it('reads an absent key as undefined', async () => {
        expect(await storage.read(freshKey('absent'))).toBeUndefined()
      })

      it('stores the first write (expected version 0) as version 1, and reads it back as written', async () => {
        const key = freshKey('first')
        expect(await storage.write(key, '{"count":1}', 0)).toBe(1)
        expect(await storage.read(key)).toEqual({ json: '{"count":1}', version: 1 })
      })

      it('refuses a first write (expected version 0) once the key exists, and keeps the value', async () => {
        const key = freshKey('exists')
        await storage.write(key, '"mine"', 0)
        expect(await storage.write(key, '"theirs"', 0)).toBeUndefined()
        expect(await storage.read(key)).toEqual({ json: '"mine"', version: 1 })
      })

      it('raises the version by one on every write with the current version', async () => {
        const key = freshKey('increments')
        for (let version = 0; version < 5; version++) {
          expect(await storage.write(key, JSON.stringify({ step: version }), version)).toBe(version + 1)
        }
        expect(await storage.read(key)).toEqual({ json: '{"step":4}', version: 5 })
      })

      it('refuses a write with a stale or future version, and keeps the value', async () => {
        const key = freshKey('stale')
        await storage.write(key, '1', 0)
        await storage.write(key, '2', 1)
        expect(await storage.write(key, '"stale"', 1)).toBeUndefined()
        expect(await storage.write(key, '"future"', 3)).toBeUndefined()
        expect(await storage.read(key)).toEqual({ json: '2', version: 2 })
      })

      it('refuses a write or delete with a version no key can have (negative, fractional), like a stale one', async () => {
        const key = freshKey('odd-version')
        await storage.write(key, '1', 0)
        for (const version of [-1, 0.5, 1.5, Number.NaN]) {
          expect(await storage.write(key, '"odd"', version)).toBeUndefined()
          expect(await storage.delete(key, version)).toBe(false)
        }
        expect(await storage.read(key)).toEqual({ json: '1', version: 1 })
      })

      it('refuses a write with a version other than 0 to an absent key', async () => {
        const key = freshKey('absent-write')
        expect(await storage.write(key, '1', 1)).toBeUndefined()
        expect(await storage.read(key)).toBeUndefined()
      })

      it('keeps keys apart, including ones that share a prefix or hold SQL and glob wildcards', async () => {
        const key = freshKey('apart')
        const neighbours = [`${key}:more`, `${key}%`, `${key}_`, `${key}*`, `${key.slice(0, -1)}?`]
        await storage.write(key, '"main"', 0)
        for (const neighbour of neighbours) expect(await storage.write(neighbour, JSON.stringify(neighbour), 0)).toBe(1)
        expect(await storage.read(key)).toEqual({ json: '"main"', version: 1 })
        expect(await storage.delete(key, 1)).toBe(true)
        for (const neighbour of neighbours)
          expect(await storage.read(neighbour)).toEqual({ json: JSON.stringify(neighbour), version: 1 })
      })
    })

    describe('delete', () => {
      it('removes the key with its current version; a new first write starts again at version 1', async () => {
        const key = freshKey('delete')
        await storage.write(key, '"a"', 0)
        await storage.write(key, '"b"', 1)
        expect(await storage.delete(key, 2)).toBe(true)
        expect(await storage.read(key)).toBeUndefined()
        expect(await storage.write(key, '"c"', 0)).toBe(1)
        expect(await storage.read(key)).toEqual({ json: '"c"', version: 1 })
      })

      it('refuses a stale version and keeps the value', async () => {
        const key = freshKey('delete-stale')
        await storage.write(key, '"a"', 0)
        await storage.write(key, '"b"', 1)
        expect(await storage.delete(key, 1)).toBe(false)
        expect(await storage.read(key)).toEqual({ json: '"b"', version: 2 })
      })

      it('answers false for an absent key', async () => {
        const key = freshKey('delete-absent')
        expect(await storage.delete(key, 0)).toBe(false)
        expect(await storage.delete(key, 1)).toBe(false)
      })
    })

    describe('TTL', () => {
      it('forgets a key once its TTL ran out; it then counts as absent, and a long TTL outlives it', async () => {
        const key = freshKey('ttl')
        const long = freshKey('ttl-long')
        expect(await storage.write(long, '"long"', 0, { ttlMs: LONG_TTL_MS })).toBe(1)
        expect(await storage.write(key, '"short"', 0, { ttlMs: SHORT_TTL_MS })).toBe(1)
        await expire(key)
        expect(await storage.delete(key, 1)).toBe(false)
        expect(await storage.write(key, '"again"', 1)).toBeUndefined()
        expect(await storage.write(key, '"again"', 0)).toBe(1)
        expect(await storage.read(key)).toEqual({ json: '"again"', version: 1 })
        expect(await storage.read(long)).toEqual({ json: '"long"', version: 1 })
      })

      it('keeps a key until deleted when a later write has no TTL', async () => {
        const key = freshKey('ttl-dropped')
        const sentinel = freshKey('ttl-sentinel')
        await storage.write(key, '"expiring"', 0, { ttlMs: SHORT_TTL_MS })
        expect(await storage.write(key, '"kept"', 1)).toBe(2)
        await storage.write(sentinel, '"expiring"', 0, { ttlMs: SHORT_TTL_MS })
        await expire(sentinel)
        expect(await storage.read(key)).toEqual({ json: '"kept"', version: 2 })
      })

      it('gives a key a TTL on a later write', async () => {
        const key = freshKey('ttl-added')
        await storage.write(key, '"kept"', 0)
        expect(await storage.write(key, '"expiring"', 1, { ttlMs: SHORT_TTL_MS })).toBe(2)
        await expire(key)
      })

      it('rejects a TTL that is not a positive, finite number of milliseconds, writing nothing', async () => {
        const key = freshKey('ttl-invalid')
        for (const ttlMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(storage.write(key, '1', 0, { ttlMs })).rejects.toMatchObject({ code: 'STATE_TTL_INVALID' })
        }
        expect(await storage.read(key)).toBeUndefined()
        expect(await storage.write(key, '1', 0, { ttlMs: 0.5 })).toBe(1)
      })
    })

    describe('values', () => {
      it('stores unicode keys and values exactly as written', async () => {
        const key = freshKey('用户:👩‍💻:é')
        const json = JSON.stringify(
          { text: '你好，世界 🌏 Straße é\u0301 \u2028 "quoted" \\ back\nslash', nul: '\u0000', lone: '\ud800' },
          null,
          2,
        )
        expect(await storage.write(key, json, 0)).toBe(1)
        expect(await storage.read(key)).toEqual({ json, version: 1 })
      })

      it('stores a large JSON value (about 1 MB) exactly as written', async () => {
        const key = freshKey('large')
        const rows = Array.from({ length: 8_000 }, (_, i) => ({
          id: i,
          name: `用户 ${i}`,
          tags: ['a', 'b', 'ç'],
          x: i / 7,
        }))
        const json = JSON.stringify({ rows })
        expect(json.length).toBeGreaterThan(500_000)
        expect(await storage.write(key, json, 0)).toBe(1)
        expect(await storage.write(key, json, 1)).toBe(2)
        expect(await storage.read(key)).toEqual({ json, version: 2 })
      })

      it('stores the smallest JSON values: null, false, 0, "" and {}', async () => {
        for (const json of ['null', 'false', '0', '""', '{}']) {
          const key = freshKey('small')
          expect(await storage.write(key, json, 0)).toBe(1)
          expect(await storage.read(key)).toEqual({ json, version: 1 })
        }
      })
    })

    describe('concurrent writers', () => {
      it('lets exactly one of many concurrent writes with the same expected version win, version after version', async () => {
        const key = freshKey('race')
        for (let version = 0; version < 5; version++) {
          const results = await Promise.all(
            Array.from({ length: 20 }, (_, writer) => storage.write(key, JSON.stringify({ writer, version }), version)),
          )
          expect(results.filter((result) => result !== undefined)).toEqual([version + 1])
          const winner = results.findIndex((result) => result !== undefined)
          expect(await storage.read(key)).toEqual({
            json: JSON.stringify({ writer: winner, version }),
            version: version + 1,
          })
        }
      })

      it('lets exactly one of many concurrent deletes with the current version win', async () => {
        const key = freshKey('delete-race')
        await storage.write(key, '"x"', 0)
        const results = await Promise.all(Array.from({ length: 20 }, () => storage.delete(key, 1)))
        expect(results.filter(Boolean)).toHaveLength(1)
        expect(await storage.read(key)).toBeUndefined()
      })

      it('loses no increment of 50 concurrent updateState calls on one key', async () => {
        const key = freshKey('counter')
        await Promise.all(
          Array.from({ length: 50 }, () =>
            updateState<{ count: number }>(storage, key, (current) => ({ count: (current?.count ?? 0) + 1 }), {
              maxAttempts: 100,
            }),
          ),
        )
        expect(await storage.read(key)).toEqual({ json: '{"count":50}', version: 50 })
      })
    })
  })
}
