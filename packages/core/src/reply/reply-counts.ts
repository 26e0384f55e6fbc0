import { mixHash } from '../util/mix-hash.js'

/**
 * Replies handed out per replied-to id, for as long as the id's window lasts (an hour in C2C), at about 40 B
 * per id instead of the id's string and a map entry (about 200 B).
 *
 * An id is held as a 53-bit hash of its characters ({@link ReplyCounts.keyOf}), in typed arrays: no object
 * per id, and nothing for the collector to trace. Two ids sharing a hash would share one count. That keeps
 * each id's `msg_seq` distinct (the count only rises), so the platform still takes every reply; only the
 * local per-message limit could be reached early, for two ids that together get more replies than the limit.
 * At 1.8 million ids held (500 C2C messages a second for an hour) the chance of any shared hash is about 2 in
 * 10,000.
 *
 * Storage is linear probing where a deletion shifts the rest of its probe run back (no holes), reallocated
 * only when the size doubles or falls to an eighth of the capacity.
 */
export class ReplyCounts {
  /** Hash per slot; 0 marks an empty slot (no id hashes to 0). */
  private keys = new Float64Array(0)
  private counts = new Uint32Array(0)
  /** Capacity - 1 (the capacity is a power of two). */
  private mask = 0
  private count = 0
  /** Per table, so ids chosen to collide in one process do not collide in another. */
  private readonly seeds = [(Math.random() * 2 ** 32) | 0, (Math.random() * 2 ** 32) | 0] as const

  constructor(private readonly minCapacity = 1_024) {
    this.allocate(minCapacity)
  }

  get size(): number {
    return this.count
  }

  /** Slots allocated: between 2 and 8 per key held, and at least the minimum capacity. */
  get capacity(): number {
    return this.keys.length
  }

  /** The key `id` is held under: an integer in 1..2^53-1. */
  keyOf(id: string): number {
    // Two 32-bit FNV-1a hashes with their own seeds and primes, each finished by MurmurHash3's finalizer.
    let low = this.seeds[0] ^ 0x811c9dc5
    let high = this.seeds[1] ^ 0x050c5d1f
    for (let i = 0; i < id.length; i++) {
      const code = id.charCodeAt(i)
      low = Math.imul(low ^ code, 0x01000193)
      high = Math.imul(high ^ code, 0x01000199)
    }
    low = mixHash(low)
    high = mixHash(high) >>> 11
    return high * 2 ** 32 + (low >>> 0) || 1
  }

  /** Replies counted for `key`; 0 when none. */
  get(key: number): number {
    const slot = this.find(key)
    return slot < 0 ? 0 : this.counts[slot]!
  }

  set(key: number, replies: number): void {
    const found = this.find(key)
    if (found >= 0) {
      this.counts[found] = replies
      return
    }
    if ((this.count + 1) * 2 > this.keys.length) this.resize(this.keys.length * 2)
    this.place(key, replies)
    this.count++
  }

  /** Forgets `key`; returns whether it was held. */
  delete(key: number): boolean {
    let hole = this.find(key)
    if (hole < 0) return false
    const { keys, counts, mask } = this
    // Backward shift: an entry later in the run moves into the hole unless the hole is before its home slot.
    for (let slot = (hole + 1) & mask; keys[slot] !== 0; slot = (slot + 1) & mask) {
      const home = keys[slot]! & mask
      if (((slot - home) & mask) < ((slot - hole) & mask)) continue
      keys[hole] = keys[slot]!
      counts[hole] = counts[slot]!
      hole = slot
    }
    keys[hole] = 0
    counts[hole] = 0
    this.count--
    if (this.count * 8 < keys.length && keys.length / 2 >= this.minCapacity) this.resize(keys.length / 2)
    return true
  }

  /** The slot holding `key`, or -1. `key & mask` takes the hash's low bits: `&` reads a double modulo 2^32. */
  private find(key: number): number {
    const { keys, mask } = this
    for (let slot = key & mask; ; slot = (slot + 1) & mask) {
      const stored = keys[slot]
      if (stored === key) return slot
      if (stored === 0) return -1
    }
  }

  private place(key: number, replies: number): void {
    const { keys, mask } = this
    let slot = key & mask
    while (keys[slot] !== 0) slot = (slot + 1) & mask
    keys[slot] = key
    this.counts[slot] = replies
  }

  private resize(capacity: number): void {
    const { keys, counts } = this
    this.allocate(capacity)
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== 0) this.place(keys[slot]!, counts[slot]!)
  }

  private allocate(capacity: number): void {
    const size = 2 ** Math.ceil(Math.log2(Math.max(capacity, 2)))
    this.keys = new Float64Array(size)
    this.counts = new Uint32Array(size)
    this.mask = size - 1
  }
}
