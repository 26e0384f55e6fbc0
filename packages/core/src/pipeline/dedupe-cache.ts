/** Ages past this (ms since the cache's epoch) would no longer be small integers: the epoch moves first. */
const MAX_OFFSET_MS = 2 ** 30

/**
 * Remembers keys for `ttlMs` (bounded by `maxEntries`), to drop repeated deliveries: the platform may push
 * the same message twice, and a resume may replay an event already handled. One map entry per key, its value
 * the expiry as a small integer (ms after the cache's epoch: no boxed number per key). While it holds keys,
 * an unref'd timer drops expired ones, so memory falls back when traffic stops.
 */
export class DedupeCache {
  /** key → expiry, ms after `epoch`; in insertion order, which with one TTL is expiry order. */
  private readonly seen = new Map<string, number>()
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
    if (expiresAt !== undefined) this.seen.delete(key)
    this.seen.set(key, at + this.ttlMs)
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

  /** Entries are in insertion order with equal TTLs, so expired ones are always at the front. */
  private evict(now: number): void {
    const at = now - this.epoch
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > at && this.seen.size <= this.maxEntries) break
      this.seen.delete(key)
    }
    if (this.seen.size === 0) this.stop()
  }

  /** Moves the epoch to `now` (once per ~12 days of uptime). */
  private rebase(now: number): void {
    const shift = now - this.epoch
    for (const [key, expiresAt] of this.seen) this.seen.set(key, expiresAt - shift)
    this.epoch = now
  }
}
