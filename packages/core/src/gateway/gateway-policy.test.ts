import { describe, expect, it } from 'vitest'
import { closeAction } from './close-codes.js'
import { GatewayFatalError } from './gateway-errors.js'
import { LocalIdentifyLimiter } from './identify-limiter.js'

describe('closeAction', () => {
  it.each([
    [4009, 'resume'],
    [4008, 'resume'],
    [1000, 'resume'],
    [1006, 'resume'],
    [1011, 'resume'],
    [4004, 'refresh-token'],
    [4006, 'identify'],
    [4007, 'identify'],
    [4900, 'identify'],
    [4902, 'identify'],
    [4913, 'identify'],
    [4001, 'fatal'],
    [4002, 'fatal'],
    [4010, 'fatal'],
    [4014, 'fatal'],
    [4914, 'fatal'],
    [4915, 'fatal'],
  ] as const)('GIVEN close %i THEN %s', (code, action) => {
    expect(closeAction(code)).toBe(action)
  })

  it('GIVEN a fatal code THEN the error explains it', () => {
    const error = new GatewayFatalError(2, 4014)
    expect(error.code).toBe('GATEWAY_FATAL')
    expect(error.message).toMatch(/Shard 2 .*4014.*intent/)
  })
})

describe('LocalIdentifyLimiter', () => {
  it('GIVEN max_concurrency 1 THEN identifies are spaced by the interval; with 2 buckets two go at once', async () => {
    const now = 1_000_000
    const one = new LocalIdentifyLimiter(1, 30, () => now)
    const started = Date.now()
    await Promise.all([one.acquire(0), one.acquire(1), one.acquire(2)])
    // Third identify waited for two intervals (a lower bound only: sleeping can be late, never early).
    expect(Date.now() - started).toBeGreaterThanOrEqual(55)

    const two = new LocalIdentifyLimiter(2, 10_000, () => now)
    const quick = Date.now()
    await Promise.all([two.acquire(0), two.acquire(1)])
    expect(Date.now() - quick).toBeLessThan(5_000)
  })

  it('GIVEN an aborted signal THEN a waiting acquire rejects', async () => {
    const limiter = new LocalIdentifyLimiter(1, 60_000)
    await limiter.acquire(0)
    const controller = new AbortController()
    const waiting = limiter.acquire(1, controller.signal)
    controller.abort(new Error('stopped'))
    await expect(waiting).rejects.toThrow('stopped')
  })
})
