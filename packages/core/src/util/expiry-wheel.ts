/**
 * Forgets keys when their time is up, in slots of `slotMs`: a key is handed to `onExpire` at most `slotMs`
 * after its expiry. Costs one array slot per key (no object, no closure, no timer per key). While it holds
 * keys, an unref'd timer sweeps once per slot, so memory falls back when traffic stops; when it holds none,
 * no timer runs.
 */
export class ExpiryWheel<K> {
  /** Slot number (its end is `slot * slotMs`) → the keys that expire within it. */
  private readonly slots = new Map<number, K[]>()
  private count = 0
  /** End of the earliest slot: nothing expires before it, so a sweep before it costs nothing. */
  private dueAt = Infinity
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly slotMs: number,
    private readonly onExpire: (key: K) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keys not expired yet. */
  get size(): number {
    return this.count
  }

  /** Schedules `key` to expire at `expiresAt` (ms, on the `now` clock). */
  add(key: K, expiresAt: number): void {
    const slot = Math.ceil(expiresAt / this.slotMs)
    const keys = this.slots.get(slot)
    if (keys) keys.push(key)
    else this.slots.set(slot, [key])
    this.count++
    this.dueAt = Math.min(this.dueAt, slot * this.slotMs)
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.slotMs)
      this.timer.unref?.()
    }
  }

  /** Expires every key whose slot ended before `now`. */
  sweep(now = this.now()): void {
    if (now <= this.dueAt) return
    // At most one slot per slotMs of the longest expiry: a few hundred, so a full scan is cheap.
    let dueAt = Infinity
    for (const [slot, keys] of this.slots) {
      const end = slot * this.slotMs
      if (end >= now) {
        dueAt = Math.min(dueAt, end)
        continue
      }
      this.slots.delete(slot)
      this.count -= keys.length
      for (const key of keys) this.onExpire(key)
    }
    this.dueAt = dueAt
    if (this.count === 0) this.stop()
  }

  /** Stops the sweep timer (keys stay; the next {@link add} starts it again). */
  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }
}
