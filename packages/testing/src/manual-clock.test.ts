import { describe, expect, it } from 'vitest'
import { ManualClock } from './manual-clock.js'

describe('ManualClock', () => {
  it('GIVEN timers THEN advance fires the due ones in time order (ties in the order set), including ones set meanwhile', async () => {
    const clock = new ManualClock(1_000)
    const fired: string[] = []
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200)
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100)
    clock.setTimeout(() => fired.push(`a2@${clock.now()}`), 100)
    clock.setTimeout(() => {
      fired.push(`c@${clock.now()}`)
      clock.setTimeout(() => fired.push(`d@${clock.now()}`), 50)
    }, 300)
    const late = clock.setTimeout(() => fired.push('never'), 301)
    clock.clearTimeout(late)
    clock.setTimeout(() => fired.push('later'), 1_000)

    await clock.advance(350)
    expect(fired).toEqual(['a@1100', 'a2@1100', 'b@1200', 'c@1300', 'd@1350'])
    expect(clock.now()).toBe(1_350)
    expect(clock.pendingTimers).toBe(1)
    expect(await clock.runNextTimer()).toBe(true)
    expect(fired.at(-1)).toBe('later')
    expect(clock.now()).toBe(2_000)
    expect(await clock.runNextTimer()).toBe(false)
  })

  it('GIVEN a negative or non-numeric step THEN advance refuses it', async () => {
    const clock = new ManualClock(0)
    await expect(clock.advance(-1)).rejects.toThrow(/non-negative number of milliseconds; got -1/)
    await expect(clock.advance(Number.NaN)).rejects.toThrow(RangeError)
    expect(clock.now()).toBe(0)
  })
})
