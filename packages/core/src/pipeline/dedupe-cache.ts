import { FlatStringMap } from '../util/flat-string-map.js'

/** Ages past this (ms since the cache's epoch) would no longer be small integers: the epoch moves first. */
const MAX_OFFSET_MS = 2 ** 30

/**
 * Remembers keys for `ttlMs` (bounded by `maxEntries`), to drop repeated deliveries: the platform may push
 * the same message twice, and a resume may replay an event already handled. One map entry per key, its value
 * the expiry as a small integer (ms after the cache's epoch: no boxed number per key), and the key's place in
 * an arrival-order queue, from whose front the oldest are dropped. While it holds keys, an unref'd timer drops
 * expired ones, so memory falls back when traffic stops.
 */
export class DedupeCache {
  /** key → expiry, ms after `epoch`. Once full, one key added and one dropped per event: see {@link FlatStringMap}. */
  private readonly seen = new FlatStringMap<number>()
  /**
   * Keys and their expiries in arrival order (with one TTL, expiry order), from `head` on. Dropping from the
   * front of a Map by iterating it would walk over every hole earlier deletions left: O(n) per event once full.
   * An entry whose key was forgotten or recorded again since is stale, and skipped.
   */
  private keys: string[] = []
  private expiries: number[] = []
  private head = 0
  private epoch: number
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {
    this.epoch = now()
  }

  get size(): number {
    return this.seen.size
  }

  /** Records `key`; returns false when it was already recorded and has not expired. */
  add(key: string): boolean {
    const now = this.now()
    if (now - this.epoch > MAX_OFFSET_MS) this.rebase(now)
    const at = now - this.epoch
    const expiresAt = this.seen.get(key)
    if (expiresAt !== undefined && expiresAt > at) return false
    this.seen.set(key, at + this.ttlMs)
    this.keys.push(key)
    this.expiries.push(at + this.ttlMs)
    this.evict(now)
    if (!this.timer && this.seen.size > 0) {
      this.timer = setInterval(() => this.evict(this.now()), Math.min(Math.max(this.ttlMs, 1_000), 10_000))
      this.timer.unref?.()
    }
    return true
  }

  /** Forgets `key`: an event that was not finished may be delivered again and must then run. */
  forget(key: string): void {
    this.seen.delete(key)
  }

  /** Stops the expiry timer (the next {@link add} starts it again). */
  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private evict(now: number): void {
    const at = now - this.epoch
    while (this.head < this.keys.length) {
      const key = this.keys[this.head]!
      const expiresAt = this.expiries[this.head]!
      const current = this.seen.get(key) === expiresAt
      if (current && expiresAt > at && this.seen.size <= this.maxEntries) break
      if (current) this.seen.delete(key)
      this.head++
    }
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head)
      this.expiries = this.expiries.slice(this.head)
      this.head = 0
    }
    if (this.seen.size === 0) this.stop()
  }

  /** Moves the epoch to `now` (once per ~12 days of uptime). */
  private rebase(now: number): void {
    const shift = now - this.epoch
    this.seen.forEach((expiresAt, key) => this.seen.set(key, expiresAt - shift))
    for (let i = this.head; i < this.expiries.length; i++) this.expiries[i]! -= shift
    this.epoch = now
  }
}
