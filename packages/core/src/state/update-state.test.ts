import { describe, expect, it } from 'vitest'
import { MemoryStateStorage } from './memory-state-storage.js'
import type { StateStorage, StateWriteOptions } from './state-storage.js'
import { updateState } from './update-state.js'

interface Counter {
  count: number
}

const increment = (current: Counter | undefined): Counter => ({ count: (current?.count ?? 0) + 1 })

/** A storage where another writer gets in before each of the first `conflicts` writes and deletes. */
class ContendedStorage implements StateStorage {
  readonly inner = new MemoryStateStorage()
  private conflictsLeft: number

  constructor(conflicts: number) {
    this.conflictsLeft = conflicts
  }

  /** Lets the other writer in before each of the next `conflicts` writes and deletes. */
  contend(conflicts: number): void {
    this.conflictsLeft = conflicts
  }

  read(key: string) {
    return this.inner.read(key)
  }

  async write(key: string, json: string, expectedVersion: number, options?: StateWriteOptions) {
    await this.interfere(key)
    return this.inner.write(key, json, expectedVersion, options)
  }

  async delete(key: string, expectedVersion: number) {
    await this.interfere(key)
    return this.inner.delete(key, expectedVersion)
  }

  /** The other writer: bumps the counter by 100. */
  private async interfere(key: string): Promise<void> {
    if (this.conflictsLeft === 0) return
    this.conflictsLeft--
    const stored = await this.inner.read(key)
    const count = stored ? (JSON.parse(stored.json) as Counter).count : 0
    await this.inner.write(key, JSON.stringify({ count: count + 100 }), stored?.version ?? 0)
  }
}

describe('updateState', () => {
  it('creates an absent key from undefined and resolves to the value written', async () => {
    const storage = new MemoryStateStorage()
    expect(await updateState(storage, 'k', increment)).toEqual({ count: 1 })
    expect(await updateState(storage, 'k', increment)).toEqual({ count: 2 })
    expect(await storage.read('k')).toEqual({ json: '{"count":2}', version: 2 })
  })

  it('reads again and applies the change to the newer value when another writer came first', async () => {
    const storage = new ContendedStorage(2)
    const seen: (Counter | undefined)[] = []
    const result = await updateState<Counter>(storage, 'k', (current) => {
      seen.push(current)
      return increment(current)
    })
    expect(seen).toEqual([undefined, { count: 100 }, { count: 200 }])
    expect(result).toEqual({ count: 201 })
    expect(await storage.inner.read('k')).toEqual({ json: '{"count":201}', version: 3 })
  })

  it('gives up with StateConflictError after maxAttempts lost rounds, writing nothing of its own', async () => {
    const storage = new ContendedStorage(3)
    await expect(updateState(storage, 'k', increment, { maxAttempts: 3 })).rejects.toMatchObject({
      name: 'StateConflictError',
      code: 'STATE_CONFLICT',
      key: 'k',
      attempts: 3,
    })
    expect(await storage.inner.read('k')).toEqual({ json: '{"count":300}', version: 3 })
  })

  it('deletes the key when the change returns undefined, retrying a lost delete', async () => {
    const storage = new ContendedStorage(0)
    await updateState(storage, 'k', increment)
    storage.contend(1)
    const seen: (Counter | undefined)[] = []
    expect(
      await updateState<Counter>(storage, 'k', (current) => {
        seen.push(current)
        return undefined
      }),
    ).toBeUndefined()
    expect(seen).toEqual([{ count: 1 }, { count: 101 }])
    expect(await storage.inner.read('k')).toBeUndefined()
  })

  it('does nothing for an absent key whose change returns undefined', async () => {
    const storage = new MemoryStateStorage()
    expect(await updateState(storage, 'k', () => undefined)).toBeUndefined()
    expect(await storage.read('k')).toBeUndefined()
  })

  it('writes with the TTL asked for', async () => {
    let now = 1_000
    const storage = new MemoryStateStorage(() => now)
    await updateState(storage, 'k', increment, { ttlMs: 500 })
    now += 499
    expect(await storage.read('k')).toBeDefined()
    now += 1
    expect(await storage.read('k')).toBeUndefined()
  })

  it('refuses stored text that is not JSON with StateJsonError, naming the key', async () => {
    const storage = new MemoryStateStorage()
    await storage.write('k', 'not json', 0)
    await expect(updateState(storage, 'k', increment)).rejects.toMatchObject({ code: 'STATE_NOT_JSON', key: 'k' })
    expect(await storage.read('k')).toEqual({ json: 'not json', version: 1 })
  })

  it('refuses a maxAttempts below 1 or not whole', async () => {
    const storage = new MemoryStateStorage()
    for (const maxAttempts of [0, 1.5, Number.NaN])
      await expect(updateState(storage, 'k', increment, { maxAttempts })).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
      })
  })
})
