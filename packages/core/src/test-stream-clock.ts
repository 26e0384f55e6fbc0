/**
 * For the core's own tests (not built): a clock that moves only when told, for streams' throttle timers.
 * Give `now` to the fake platform too, so its frame spacing is measured on the same time line.
 */
import { expect, vi } from 'vitest'
import type { StreamClock } from './stream/stream-options.js'

interface Timer {
  handle: object
  at: number
  callback: () => void
}

export class TestStreamClock implements StreamClock {
  private current: number
  private timers: Timer[] = []

  constructor(start = Date.now()) {
    this.current = start
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.length
  }

  now(): number {
    return this.current
  }

  setTimeout(callback: () => void, ms: number): object {
    const handle = {}
    this.timers.push({ handle, at: this.current + Math.max(0, ms), callback })
    return handle
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.handle !== handle)
  }

  /** Moves time by `ms`, firing the timers due by then in order. */
  advance(ms: number): void {
    const target = this.current + ms
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at)[0]
      if (!due) break
      this.timers = this.timers.filter((timer) => timer !== due)
      this.current = Math.max(this.current, due.at)
      due.callback()
    }
    this.current = target
  }

  /** Waits (polling, not sleeping) until a timer falls due within `ms`, then moves time by `ms`. */
  async advanceWhenDue(ms: number): Promise<void> {
    await vi.waitFor(() => expect(this.timers.some((timer) => timer.at <= this.current + ms)).toBe(true))
    this.advance(ms)
  }
}
