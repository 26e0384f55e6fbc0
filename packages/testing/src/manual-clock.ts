import type { Clock } from '@qqbot/framework'
import { nextTurn } from './real-timers.js'

interface Timer {
  readonly handle: object
  readonly at: number
  readonly order: number
  readonly callback: () => void
}

/**
 * A clock that moves only when told: {@link ManualClock.advance} fires the timers that fall due, in order,
 * letting the bot react to each before the next. Give it to `createBot({ clock })`; `createTestBot` does.
 */
export class ManualClock implements Clock {
  private current: number
  private timers: Timer[] = []
  private created = 0

  /**
   * @param start the time to start at (default: the real time now).
   * @param settle awaited after each timer fires, until the bot has reacted (default: one event-loop turn).
   */
  constructor(
    start: number = Date.now(),
    private readonly settle: () => Promise<void> = nextTurn,
  ) {
    this.current = start
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.length
  }

  now(): number {
    return this.current
  }

  setTimeout(callback: () => void, ms: number): object {
    const handle = {}
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0
    this.timers.push({ handle, at: this.current + delay, order: this.created++, callback })
    return handle
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.handle !== handle)
  }

  /**
   * Moves time forward by `ms`, firing each timer due by then in order (timers set meanwhile included) and
   * waiting for the bot to settle after each. Await it before asserting.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`advance() takes a non-negative number of milliseconds; got ${ms}.`)
    const target = this.current + ms
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers = this.timers.filter((other) => other !== timer)
      this.current = Math.max(this.current, timer.at)
      timer.callback()
      await this.settle()
    }
    this.current = target
  }

  /** Moves time to the earliest pending timer and fires it (and any due at the same time); false when none is pending. */
  async runNextTimer(): Promise<boolean> {
    const next = this.nextDue(Number.POSITIVE_INFINITY)
    if (!next) return false
    await this.advance(Math.max(0, next.at - this.current))
    return true
  }

  private nextDue(target: number): Timer | undefined {
    let next: Timer | undefined
    for (const timer of this.timers) {
      if (timer.at > target) continue
      if (!next || timer.at < next.at || (timer.at === next.at && timer.order < next.order)) next = timer
    }
    return next
  }
}
