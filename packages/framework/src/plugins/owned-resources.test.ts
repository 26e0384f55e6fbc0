import { describe, expect, it } from 'vitest'
import type { Clock } from '../util/clock.js'
import { OwnedResources } from './owned-resources.js'

/** A clock whose timers fire when the test says. */
function manualClock() {
  let now = 0
  const timers = new Map<number, { at: number; callback: () => void }>()
  let next = 0
  const clock: Clock = {
    now: () => now,
    setTimeout: (callback, ms) => (timers.set(++next, { at: now + ms, callback }), next),
    clearTimeout: (handle) => void timers.delete(handle as number),
  }
  const advance = (ms: number) => {
    const until = now + ms
    for (;;) {
      const due = [...timers].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      timers.delete(due[0])
      now = due[1].at
      due[1].callback()
    }
    now = until
  }
  return { clock, advance, pending: () => timers.size }
}

describe('OwnedResources', () => {
  it('GIVEN an interval, a timeout and a failing callback THEN they run until disposed, failures reported, nothing left pending', async () => {
    const { clock, advance, pending } = manualClock()
    const reports: string[] = []
    const resources = new OwnedResources(clock, (error, what) => reports.push(`${what}: ${(error as Error).message}`))
    const ticks: number[] = []
    resources.setInterval(() => void ticks.push(clock.now()), 100)
    resources.setTimeout(() => {
      throw new Error('boom')
    }, 150)
    advance(350)
    expect(ticks).toEqual([100, 200, 300])
    expect(reports).toEqual(['a timer: boom'])
    resources.onDispose(() => {
      throw new Error('close failed')
    })
    await resources.dispose()
    expect(pending()).toBe(0)
    expect(reports).toEqual(['a timer: boom', 'a dispose callback: close failed'])
    advance(1_000)
    expect(ticks).toHaveLength(3)
    expect(() => resources.onDispose(() => undefined)).toThrow(/already unloaded/)
  })
})
