import { hashString } from './mix-hash.js'

/**
 * A map from strings to values for keys that come and go at a high rate (one added and deleted per event),
 * whose storage is reallocated only when its size doubles or falls to an eighth of its capacity.
 *
 * Why not a `Map`: V8 rebuilds a Map's hash table every few additions once deletions have left holes in it,
 * and once the table has lived through a major collection it builds every new copy in old space, where only
 * the next major collection frees it: 30-50 B per key added and deleted, for as long as the process runs.
 * Here a deletion leaves no hole (linear probing; the entries after it in its probe run shift back), so a
 * steady add-and-delete allocates nothing. One cost a Map does not have: hashing reads the key's characters,
 * so V8 flattens a key built by concatenation (one copy of its characters, which the key then holds).
 */
export class FlatStringMap<V> {
  private keys: (string | undefined)[] = []
  private values: (V | undefined)[] = []
  private hashes = new Int32Array(0)
  /** Capacity - 1 (the capacity is a power of two). */
  private mask = 0
  private count = 0
  /** Per map, so keys chosen to collide in one process do not collide in another. */
  private readonly seed = (Math.random() * 2 ** 32) | 0

  constructor(private readonly minCapacity = 16) {
    this.allocate(minCapacity)
  }

  get size(): number {
    return this.count
  }

  get(key: string): V | undefined {
    const slot = this.find(key, this.hashOf(key))
    return slot < 0 ? undefined : this.values[slot]
  }

  has(key: string): boolean {
    return this.find(key, this.hashOf(key)) >= 0
  }

  set(key: string, value: V): void {
    const hash = this.hashOf(key)
    const found = this.find(key, hash)
    if (found >= 0) {
      this.values[found] = value
      return
    }
    if ((this.count + 1) * 2 > this.keys.length) this.resize(this.keys.length * 2)
    this.place(key, value, hash)
    this.count++
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean {
    let hole = this.find(key, this.hashOf(key))
    if (hole < 0) return false
    const mask = this.mask
    // Backward shift: an entry later in the run moves into the hole unless the hole is before its home slot.
    for (let slot = (hole + 1) & mask; this.keys[slot] !== undefined; slot = (slot + 1) & mask) {
      const home = this.hashes[slot]! & mask
      if (((slot - home) & mask) < ((slot - hole) & mask)) continue
      this.keys[hole] = this.keys[slot]
      this.values[hole] = this.values[slot]
      this.hashes[hole] = this.hashes[slot]!
      hole = slot
    }
    this.keys[hole] = undefined
    this.values[hole] = undefined
    this.count--
    if (this.count * 8 < this.keys.length && this.keys.length / 2 >= this.minCapacity) this.resize(this.keys.length / 2)
    return true
  }

  /** Calls `visit` for each entry, in no particular order. It may set an existing key's value, not add or delete keys. */
  forEach(visit: (value: V, key: string) => void): void {
    const { keys, values } = this
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot]
      if (key !== undefined) visit(values[slot] as V, key)
    }
  }

  /** The slot holding `key`, or -1. */
  private find(key: string, hash: number): number {
    const mask = this.mask
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = this.keys[slot]
      if (stored === undefined) return -1
      if (this.hashes[slot] === hash && stored === key) return slot
    }
  }

  private place(key: string, value: V, hash: number): void {
    let slot = hash & this.mask
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask
    this.keys[slot] = key
    this.values[slot] = value
    this.hashes[slot] = hash
  }

  private resize(capacity: number): void {
    const { keys, values, hashes } = this
    this.allocate(capacity)
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot]
      if (key !== undefined) this.place(key, values[slot] as V, hashes[slot]!)
    }
  }

  private allocate(capacity: number): void {
    const size = 2 ** Math.ceil(Math.log2(Math.max(capacity, 2)))
    this.keys = new Array<string | undefined>(size).fill(undefined)
    this.values = new Array<V | undefined>(size).fill(undefined)
    this.hashes = new Int32Array(size)
    this.mask = size - 1
  }

  private hashOf(key: string): number {
    return hashString(key, this.seed)
  }
}
