import { afterEach, describe, expect, it, vi } from 'vitest'
import { DedupeCache } from './dedupe-cache.js'

afterEach(() => void vi.useRealTimers())

const MINUTE = 60_000

describe('DedupeCache', () => {
  it('GIVEN a key seen inside the window THEN a repeat is refused; after the window it is new again', () => {
    let now = 1_000
    const cache = new DedupeCache(10 * MINUTE, 100, () => now)
    expect(cache.add('m:1')).toBe(true)
    now += 10 * MINUTE - 1
    expect(cache.add('m:1')).toBe(false)
    now += 1
    expect(cache.add('m:1')).toBe(true)
    cache.stop()
  })

  it('GIVEN more keys than the cap THEN the oldest are forgotten first and the size stays at the cap', () => {
    const cache = new DedupeCache(10 * MINUTE, 3, () => 0)
    for (const key of ['a', 'b', 'c', 'd', 'e']) expect(cache.add(key)).toBe(true)
    expect(cache.size).toBe(3)
    expect(cache.add('e')).toBe(false)
    expect(cache.add('c')).toBe(false)
    expect(cache.add('a')).toBe(true) // forgotten by the cap
    cache.stop()
  })

  it('GIVEN a key forgotten and recorded again THEN it is remembered for a full window from the second time', () => {
    let now = 0
    const cache = new DedupeCache(10 * MINUTE, 100, () => now)
    cache.add('a')
    cache.forget('a')
    expect(cache.add('a')).toBe(true) // a forgotten key runs again
    now = 5 * MINUTE
    cache.forget('a')
    expect(cache.add('a')).toBe(true)
    now = 10 * MINUTE + 1 // the first two windows closed, the third did not
    expect(cache.add('b')).toBe(true)
    expect(cache.add('a')).toBe(false)
    expect(cache.size).toBe(2)
    cache.stop()
  })

  it('GIVEN a cache full for a long time THEN it holds exactly the newest keys, up to the cap', () => {
    let now = 0
    const cache = new DedupeCache(10 * MINUTE, 1_000, () => now)
    for (let i = 0; i < 50_000; i++) {
      now++
      cache.add(`m:${i}`)
    }
    expect(cache.size).toBe(1_000)
    expect(cache.add('m:49000')).toBe(false) // the latest thousand are remembered
    expect(cache.add('m:48999')).toBe(true) // older ones were dropped
    cache.stop()
  })

  it('GIVEN no traffic after a burst THEN its timer drops the expired keys and then stops', () => {
    vi.useFakeTimers({ now: 0 })
    const cache = new DedupeCache(MINUTE, 100_000)
    for (let i = 0; i < 1_000; i++) cache.add(`m:${i}`)
    expect(cache.size).toBe(1_000)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(MINUTE + 10_000)
    expect(cache.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('GIVEN weeks of uptime THEN expiries stay exact across the move of its epoch', () => {
    let now = 0
    const cache = new DedupeCache(10 * MINUTE, 100, () => now)
    now = 2 ** 30 - 5 * MINUTE
    cache.add('before')
    now = 2 ** 30 + 1 // past the epoch limit: the next add moves it
    expect(cache.add('after')).toBe(true)
    expect(cache.add('before')).toBe(false) // still inside its 10 min
    now = 2 ** 30 - 5 * MINUTE + 10 * MINUTE
    expect(cache.add('before')).toBe(true)
    expect(cache.add('after')).toBe(false)
    cache.stop()
  })
})
