import { describe, expect, it } from 'vitest'
import { FlatStringMap } from './flat-string-map.js'

/** A deterministic pseudo-random sequence (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** Keys of `reference` that `map` answers differently for. */
function mismatches(map: FlatStringMap<number>, reference: Map<string, number>): string[] {
  return [...reference].filter(([key, value]) => map.get(key) !== value || !map.has(key)).map(([key]) => key)
}

describe('FlatStringMap', () => {
  it('GIVEN keys set, replaced and deleted THEN it answers as a Map does', () => {
    const map = new FlatStringMap<number>()
    map.set('a', 1)
    map.set('b', 2)
    map.set('a', 3)
    expect(map.size).toBe(2)
    expect(map.get('a')).toBe(3)
    expect(map.has('b')).toBe(true)
    expect(map.get('c')).toBeUndefined()
    expect(map.has('c')).toBe(false)
    expect(map.delete('a')).toBe(true)
    expect(map.delete('a')).toBe(false)
    expect(map.has('a')).toBe(false)
    expect(map.get('b')).toBe(2)
    expect(map.size).toBe(1)
  })

  it('GIVEN random sets and deletes over few and many keys (growing, shrinking, long probe runs) THEN every answer matches a Map', () => {
    const next = random(16)
    const map = new FlatStringMap<number>(4)
    const reference = new Map<string, number>()
    // Phases of mostly adding then mostly deleting, so the table grows past 1,000 keys and shrinks back.
    for (let step = 0; step < 40_000; step++) {
      const adding = Math.floor(step / 5_000) % 2 === 0 ? 0.7 : 0.3
      const key = `group:${Math.floor(next() * 3_000)}:user`
      if (next() < adding) {
        map.set(key, step)
        reference.set(key, step)
      } else {
        expect(map.delete(key)).toBe(reference.delete(key))
      }
      expect(map.size).toBe(reference.size)
      expect(map.get(key)).toBe(reference.get(key))
      if (step % 1_000 === 0) expect(mismatches(map, reference)).toEqual([])
    }
    for (let i = 0; i < 3_000; i++) {
      const key = `group:${i}:user`
      expect(map.get(key)).toBe(reference.get(key))
    }
  })

  it('GIVEN every key deleted THEN it is empty and takes new keys', () => {
    const map = new FlatStringMap<string>()
    const keys = Array.from({ length: 500 }, (_, i) => `m:${i}`)
    for (const key of keys) map.set(key, key)
    for (const key of keys.reverse()) expect(map.delete(key)).toBe(true)
    expect(map.size).toBe(0)
    expect(keys.some((key) => map.has(key))).toBe(false)
    map.set('again', 'yes')
    expect(map.get('again')).toBe('yes')
  })

  it('GIVEN keys that differ only in characters past the first ones, empty keys and non-ASCII keys THEN each is its own entry', () => {
    const map = new FlatStringMap<number>()
    const keys = ['', 'a', 'aa', 'm:ROBOT1.0_x', 'm:ROBOT1.0_y', 'c2c:用户', 'c2c:用戶', 'x'.repeat(1_000)]
    keys.forEach((key, i) => map.set(key, i))
    expect(map.size).toBe(keys.length)
    keys.forEach((key, i) => expect(map.get(key)).toBe(i))
  })

  it('GIVEN forEach THEN it visits every entry once, and values set from it for existing keys stick', () => {
    const map = new FlatStringMap<number>()
    for (let i = 0; i < 100; i++) map.set(`k${i}`, i)
    for (let i = 0; i < 100; i += 2) map.delete(`k${i}`)
    const visited: string[] = []
    map.forEach((value, key) => {
      visited.push(key)
      map.set(key, value * 10)
    })
    expect(visited.sort()).toEqual(Array.from({ length: 50 }, (_, i) => `k${2 * i + 1}`).sort())
    expect(map.get('k7')).toBe(70)
    expect(map.size).toBe(50)
  })
})
