import { afterEach, describe, expect, it, vi } from 'vitest'
import { AdaptiveLimiter, type LimiterSlot } from './adaptive-limiter.js'

const KEY = '/v2/groups/G1/messages'
const OTHER = '/v2/groups/G2/messages'

afterEach(() => {
  vi.useRealTimers()
})

/** Resolves a slot that is given at once; fails the test when the limiter made the caller wait. */
function immediate(slot: LimiterSlot | Promise<LimiterSlot> | undefined): LimiterSlot {
  expect(slot).toBeDefined()
  expect(slot).not.toBeInstanceOf(Promise)
  return slot as LimiterSlot
}

/** A pending acquire and whether it has been granted yet. */
function waiting(limiter: AdaptiveLimiter, key: string, retry = false) {
  const pending = limiter.acquire(key, retry)
  expect(pending).toBeInstanceOf(Promise)
  const state = { slot: undefined as LimiterSlot | undefined }
  void (pending as Promise<LimiterSlot>).then((slot) => (state.slot = slot))
  return state
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('AdaptiveLimiter', () => {
  it('GIVEN no rate limit was ever seen THEN every acquire answers undefined synchronously and no key is restricted (the fast path)', () => {
    const limiter = new AdaptiveLimiter()
    for (let i = 0; i < 1_000; i++) {
      expect(limiter.acquire(`/v2/groups/G${i % 10}/messages`)).toBeUndefined()
      limiter.release(KEY, undefined, i % 2 ? 'ok' : 'other')
    }
    expect(limiter.restrictedKeys).toBe(0)
  })

  it('GIVEN a rate limit on one key THEN that key starts at startConcurrency and other keys stay unrestricted', () => {
    const limiter = new AdaptiveLimiter({ startConcurrency: 3 })
    limiter.release(KEY, undefined, 'rate-limited')
    expect(limiter.limitOf(KEY)).toBe(3)
    expect(limiter.acquire(OTHER)).toBeUndefined()
    expect(limiter.restrictedKeys).toBe(1)
  })

  it('GIVEN the allowance is in flight THEN the next acquire waits until a request is released', async () => {
    const limiter = new AdaptiveLimiter({ startConcurrency: 2 })
    limiter.release(KEY, undefined, 'rate-limited')
    const first = immediate(limiter.acquire(KEY))
    immediate(limiter.acquire(KEY))
    const third = waiting(limiter, KEY)
    await flush()
    expect(third.slot).toBeUndefined()
    limiter.release(KEY, first, 'other')
    await flush()
    expect(third.slot).toBeDefined()
  })

  it('GIVEN many 429s from requests sent in the same round THEN the limit shrinks once per round, never below minConcurrency', () => {
    const limiter = new AdaptiveLimiter({ startConcurrency: 8, minConcurrency: 2, decreaseFactor: 0.5 })
    limiter.release(KEY, undefined, 'rate-limited')
    const round = Array.from({ length: 8 }, () => immediate(limiter.acquire(KEY)))
    for (const slot of round) limiter.release(KEY, slot, 'rate-limited')
    expect(limiter.limitOf(KEY)).toBe(4) // one halving for the whole round, not 8
    const next = Array.from({ length: 4 }, () => immediate(limiter.acquire(KEY)))
    limiter.release(KEY, next[0], 'rate-limited')
    expect(limiter.limitOf(KEY)).toBe(2)
    for (const slot of next.slice(1)) limiter.release(KEY, slot, 'rate-limited')
    const last = immediate(limiter.acquire(KEY))
    limiter.release(KEY, last, 'rate-limited')
    expect(limiter.limitOf(KEY)).toBe(2) // the floor
  })

  it('GIVEN a rate limit with a pause THEN nothing to that key starts before the pause ends, and then the waiters go', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const limiter = new AdaptiveLimiter({ startConcurrency: 4 })
    limiter.release(KEY, undefined, 'rate-limited', 1_000)
    const queued = [waiting(limiter, KEY), waiting(limiter, KEY)]
    expect(limiter.acquire(OTHER)).toBeUndefined() // another target is not paused
    await vi.advanceTimersByTimeAsync(999)
    expect(queued.map((entry) => entry.slot)).toEqual([undefined, undefined])
    await vi.advanceTimersByTimeAsync(1)
    expect(queued.every((entry) => entry.slot !== undefined)).toBe(true)
  })

  it('GIVEN the pause ends between two readings of the clock THEN the waiter is still woken', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let clock = 100
    const limiter = new AdaptiveLimiter({ now: () => clock++ }) // every reading is a millisecond later
    limiter.release(KEY, undefined, 'rate-limited', 3) // read at 100: paused until 103
    const queued = waiting(limiter, KEY) // 101: no room; the next readings reach 103
    await vi.advanceTimersByTimeAsync(10)
    expect(queued.slot).toBeDefined()
  })

  it('GIVEN a retry and a new request both waiting THEN the retry gets the next slot', async () => {
    const limiter = new AdaptiveLimiter({ startConcurrency: 1 })
    limiter.release(KEY, undefined, 'rate-limited')
    const busy = immediate(limiter.acquire(KEY))
    const fresh = waiting(limiter, KEY)
    const retry = waiting(limiter, KEY, true)
    limiter.release(KEY, busy, 'other') // frees one slot without growing the limit
    await flush()
    expect(retry.slot).toBeDefined()
    expect(fresh.slot).toBeUndefined()
  })

  it('GIVEN successes after a rate limit THEN the limit grows back additively and at maxConcurrency the key is unrestricted again', () => {
    const limiter = new AdaptiveLimiter({ startConcurrency: 2, maxConcurrency: 4 })
    limiter.release(KEY, undefined, 'rate-limited')
    const limits: number[] = []
    for (let i = 0; i < 50 && limiter.limitOf(KEY) !== undefined; i++) {
      limiter.release(KEY, immediate(limiter.acquire(KEY)), 'ok')
      limits.push(limiter.limitOf(KEY) ?? 4)
    }
    expect(limits[0]).toBe(2) // +1/limit per success: one step per round of requests
    expect(limits).toEqual([...limits].sort((a, b) => a - b))
    expect(limits.at(-1)).toBe(4)
    expect(limiter.limitOf(KEY)).toBeUndefined()
    expect(limiter.acquire(KEY)).toBeUndefined()
  })

  it('GIVEN no rate limit for forgetAfterMs THEN the next success frees the key at once', () => {
    let now = 0
    const limiter = new AdaptiveLimiter({ startConcurrency: 1, forgetAfterMs: 10_000, now: () => now })
    limiter.release(KEY, undefined, 'rate-limited')
    limiter.release(KEY, immediate(limiter.acquire(KEY)), 'ok')
    expect(limiter.limitOf(KEY)).toBeDefined()
    now = 10_000
    limiter.release(KEY, immediate(limiter.acquire(KEY)), 'ok')
    expect(limiter.restrictedKeys).toBe(0)
  })
})
