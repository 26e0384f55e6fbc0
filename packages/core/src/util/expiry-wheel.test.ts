import { afterEach, describe, expect, it, vi } from 'vitest'
import { ExpiryWheel } from './expiry-wheel.js'

afterEach(() => void vi.useRealTimers())

function wheel(slotMs = 1_000) {
  let now = 0
  const expired: string[] = []
  const keys = new ExpiryWheel<string>(
    slotMs,
    (key) => void expired.push(key),
    () => now,
  )
  return { keys, expired, at: (ms: number) => void (now = ms) }
}

describe('ExpiryWheel', () => {
  it('GIVEN keys with different expiries THEN each expires no earlier than its time and within one slot after it', () => {
    const { keys, expired, at } = wheel()
    keys.add('late', 60_000)
    keys.add('early', 5_000)
    keys.add('early-too', 5_400)
    at(5_000)
    keys.sweep()
    expect(expired).toEqual([])
    at(6_001)
    keys.sweep()
    expect(expired.sort()).toEqual(['early', 'early-too'])
    expect(keys.size).toBe(1)
    at(59_999)
    keys.sweep()
    expect(keys.size).toBe(1)
    at(60_001)
    keys.sweep()
    expect(expired).toContain('late')
    expect(keys.size).toBe(0)
  })

  it('GIVEN no traffic after keys were added THEN its own timer expires them, and stops once it holds none', () => {
    vi.useFakeTimers({ now: 0 })
    const expired: string[] = []
    const keys = new ExpiryWheel<string>(10_000, (key) => void expired.push(key))
    expect(vi.getTimerCount()).toBe(0)
    for (let i = 0; i < 1_000; i++) keys.add(`m${i}`, 5 * 60_000)
    keys.add('c2c', 60 * 60_000)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(5 * 60_000 + 10_000)
    expect(expired).toHaveLength(1_000)
    expect(keys.size).toBe(1)
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(55 * 60_000)
    expect(expired).toHaveLength(1_001)
    expect(keys.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
