/**
 * Remembers keys for `ttlMs` (bounded by `maxEntries`), to drop repeated deliveries: the platform may push
 * the same message twice, and a resume may replay an event already handled.
 */
export class DedupeCache {
  private readonly seen = new Map<string, number>()

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.seen.size
  }

  /** Records `key`; returns false when it was already recorded and has not expired. */
  add(key: string): boolean {
    const now = this.now()
    const expiresAt = this.seen.get(key)
    if (expiresAt !== undefined && expiresAt > now) return false
    if (expiresAt !== undefined) this.seen.delete(key)
    this.seen.set(key, now + this.ttlMs)
    this.evict(now)
    return true
  }

  /** Forgets `key`: an event that was not finished may be delivered again and must then run. */
  forget(key: string): void {
    this.seen.delete(key)
  }

  /** Entries are in insertion order with equal TTLs, so expired ones are always at the front. */
  private evict(now: number): void {
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now && this.seen.size <= this.maxEntries) break
      this.seen.delete(key)
    }
  }
}
