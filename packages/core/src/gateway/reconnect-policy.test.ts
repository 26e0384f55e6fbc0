import { afterEach, describe, expect, it, vi } from 'vitest'
import { ReconnectPolicy, type ClosedConnection } from './reconnect-policy.js'

const closed = (code: number, more: Partial<ClosedConnection> = {}): ClosedConnection => ({
  code,
  reason: '',
  plannedAction: undefined,
  wasResuming: false,
  ...more,
})

afterEach(() => {
  vi.useRealTimers()
})

describe('ReconnectPolicy.afterClose', () => {
  it('GIVEN a fatal close code THEN the verdict is to fail with the close reason', () => {
    const verdict = new ReconnectPolicy({}).afterClose(closed(4914, { reason: 'offline' }))
    expect(verdict).toEqual({ kind: 'fail', action: 'fatal', detail: 'offline' })
  })

  it('GIVEN a network error THEN it reconnects with backoff and keeps the session', () => {
    expect(new ReconnectPolicy({}).afterClose(closed(1006))).toEqual({
      kind: 'reconnect',
      action: 'resume',
      newSession: false,
      gaveUpResuming: false,
      rateLimited: false,
      backoff: true,
    })
  })

  it('GIVEN close 4009 or a close we planned THEN the reconnect goes without backoff; our planned action wins over the code', () => {
    const policy = new ReconnectPolicy({})
    expect(policy.afterClose(closed(4009))).toMatchObject({ action: 'resume', backoff: false })
    expect(policy.afterClose(closed(1006, { plannedAction: 'identify' }))).toMatchObject({
      action: 'identify',
      newSession: true,
      gaveUpResuming: false,
      backoff: false,
    })
  })

  it('GIVEN close 4008 THEN the reconnect is rate-limited', () => {
    expect(new ReconnectPolicy({}).afterClose(closed(4008))).toMatchObject({ rateLimited: true, backoff: true })
  })

  it('GIVEN resumes fail maxResumeFailures times in a row THEN the session is given up, and counting starts afresh', () => {
    const policy = new ReconnectPolicy({ maxResumeFailures: 2 })
    expect(policy.afterClose(closed(1006, { wasResuming: true }))).toMatchObject({ newSession: false })
    expect(policy.afterClose(closed(1006, { wasResuming: true }))).toMatchObject({
      newSession: true,
      gaveUpResuming: true,
    })
    expect(policy.afterClose(closed(1006, { wasResuming: true }))).toMatchObject({ newSession: false })
  })

  it('GIVEN the default THEN three failed resumes give up the session; READY in between resets the count', () => {
    const policy = new ReconnectPolicy({})
    policy.afterClose(closed(1006, { wasResuming: true }))
    policy.afterClose(closed(1006, { wasResuming: true }))
    policy.connected()
    expect(policy.afterClose(closed(1006, { wasResuming: true }))).toMatchObject({ newSession: false })
    expect(policy.afterClose(closed(1006, { wasResuming: true }))).toMatchObject({ newSession: false })
    expect(policy.afterClose(closed(1006, { wasResuming: true }))).toMatchObject({ newSession: true })
  })

  it('GIVEN close 4004 five times in a row THEN the fifth fails with a message about the credentials', () => {
    const policy = new ReconnectPolicy({})
    for (let i = 0; i < 4; i++) expect(policy.afterClose(closed(4004))).toMatchObject({ kind: 'reconnect' })
    const verdict = policy.afterClose(closed(4004))
    expect(verdict).toMatchObject({ kind: 'fail', action: 'refresh-token' })
    expect(verdict.kind === 'fail' && verdict.detail).toMatch(/5 fresh access tokens.*AppID and AppSecret/)
  })
})

describe('ReconnectPolicy.schedule', () => {
  it('GIVEN a planned reconnect THEN it goes within 100 ms; the next attempt backs off; READY starts over', async () => {
    vi.useFakeTimers()
    const policy = new ReconnectPolicy({ backoff: { baseMs: 1_000, maxMs: 60_000 } })
    const connect = vi.fn()
    policy.schedule({ rateLimited: false, backoff: false }, connect)
    await vi.advanceTimersByTimeAsync(100)
    expect(connect).toHaveBeenCalledTimes(1)
    // Attempt 1 waits half to all of 2 s, even though it was planned too.
    policy.schedule({ rateLimited: false, backoff: false }, connect)
    await vi.advanceTimersByTimeAsync(999)
    expect(connect).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1_001)
    expect(connect).toHaveBeenCalledTimes(2)
    policy.connected()
    policy.schedule({ rateLimited: false, backoff: false }, connect)
    await vi.advanceTimersByTimeAsync(100)
    expect(connect).toHaveBeenCalledTimes(3)
    expect(policy.reconnects).toBe(3)
  })

  it('GIVEN no options THEN backoff starts at 1 s and caps at 60 s, and 4008 waits at least 10 s', async () => {
    vi.useFakeTimers()
    const policy = new ReconnectPolicy({})
    const connect = vi.fn()
    policy.schedule({ rateLimited: false, backoff: true }, connect)
    await vi.advanceTimersByTimeAsync(499)
    expect(connect).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(501)
    expect(connect).toHaveBeenCalledTimes(1)
    for (let i = 0; i < 10; i++) {
      policy.schedule({ rateLimited: false, backoff: true }, connect)
      await vi.advanceTimersByTimeAsync(60_000)
    }
    policy.schedule({ rateLimited: false, backoff: true }, connect)
    await vi.advanceTimersByTimeAsync(29_999)
    expect(connect).toHaveBeenCalledTimes(11)
    await vi.advanceTimersByTimeAsync(30_001)
    expect(connect).toHaveBeenCalledTimes(12)

    const limited = new ReconnectPolicy({})
    limited.schedule({ rateLimited: true, backoff: false }, connect)
    await vi.advanceTimersByTimeAsync(9_999)
    expect(connect).toHaveBeenCalledTimes(12)
    await vi.advanceTimersByTimeAsync(1)
    expect(connect).toHaveBeenCalledTimes(13)
  })

  it('GIVEN cancel() THEN the scheduled connect never runs', async () => {
    vi.useFakeTimers()
    const policy = new ReconnectPolicy({ rateLimitDelayMs: 50 })
    const connect = vi.fn()
    policy.schedule({ rateLimited: true, backoff: false }, connect)
    policy.cancel()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(connect).not.toHaveBeenCalled()
  })
})

describe('ReconnectPolicy while starting', () => {
  it('GIVEN the platform unreachable THEN it gives up once failures span startUnreachableMs, and an answer starts the count over', () => {
    const policy = new ReconnectPolicy({ startUnreachableMs: 1_000 })
    expect(policy.unreachableWhileStarting(10_000)).toBeUndefined()
    expect(policy.unreachableWhileStarting(10_900)).toBeUndefined()
    expect(policy.unreachableWhileStarting(11_000)).toBe(1_000)
    policy.reached()
    expect(policy.unreachableWhileStarting(20_000)).toBeUndefined()
    expect(policy.unreachableWhileStarting(20_999)).toBeUndefined()
    expect(policy.unreachableWhileStarting(21_500)).toBe(1_500)
  })

  it('GIVEN no option THEN start keeps trying for 30 s', () => {
    const policy = new ReconnectPolicy({})
    expect(policy.unreachableWhileStarting(0)).toBeUndefined()
    expect(policy.unreachableWhileStarting(29_999)).toBeUndefined()
    expect(policy.unreachableWhileStarting(30_000)).toBe(30_000)
  })
})
