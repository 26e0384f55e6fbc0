import { Writable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from '@qqbot/fake-platform'
import { createLogger } from '../logging/logger.js'
import { HttpTransport } from '../http/http-transport.js'
import { AccessTokenManager, parseExpiresIn, type AccessTokenManagerOptions } from './access-token-manager.js'
import { TokenError } from './token-errors.js'

const logger = createLogger({ level: 'silent' })
const TOKEN_PATH = '/app/getAppAccessToken'
let platform: FakePlatform | undefined
let transport: HttpTransport | undefined
afterEach(async () => {
  vi.restoreAllMocks()
  await transport?.close()
  await platform?.close()
  transport = platform = undefined
})

interface Scheduled {
  callback: () => void
  delayMs: number
  cancelled: boolean
}

/** A manager and a fake platform sharing one controllable clock, with the refresh timer captured instead of run. */
async function setup(overrides: Partial<AccessTokenManagerOptions> = {}, platformOptions: FakePlatformOptions = {}) {
  const clock = { now: 1_700_000_000_000 }
  platform = await startFakePlatform({ now: () => clock.now, tokenTtlSeconds: 7200, ...platformOptions })
  transport = new HttpTransport()
  const scheduled: Scheduled[] = []
  const manager = new AccessTokenManager({
    appId: platform.appId,
    secret: platform.secret,
    tokenUrl: `${platform.url}${TOKEN_PATH}`,
    transport,
    logger,
    now: () => clock.now,
    schedule: (callback, delayMs) => {
      const entry = { callback, delayMs, cancelled: false }
      scheduled.push(entry)
      return { cancel: () => void (entry.cancelled = true) }
    },
    ...overrides,
  })
  /** The one refresh timer still armed (every earlier one must have fired or been cancelled). */
  const pending = (): Scheduled => {
    const armed = scheduled.filter((entry) => !entry.cancelled)
    expect(armed.length).toBeGreaterThan(0)
    return armed.at(-1)!
  }
  /** Advances the shared clock by the timer's delay, fires it, and waits for the refresh it starts. */
  const fire = async (entry: Scheduled): Promise<string> => {
    clock.now += entry.delayMs
    entry.cancelled = true // fired: no longer armed
    entry.callback()
    return manager.refresh() // joins the fetch the callback started (single-flight)
  }
  return { clock, platform, manager, scheduled, pending, fire }
}

describe('parseExpiresIn', () => {
  it.each([
    ['7200', 7200],
    [7200, 7200],
    ['3261', 3261],
    [' 60 ', 60],
    ['', undefined],
    ['   ', undefined],
    ['abc', undefined],
    [-1, undefined],
    ['-1', undefined],
    [0, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [null, undefined],
    [undefined, undefined],
    [true, undefined],
    [{}, undefined],
  ])('GIVEN %j THEN %j', (input, expected) => {
    expect(parseExpiresIn(input)).toBe(expected)
  })
})

describe('AccessTokenManager: parsing the grant', () => {
  it('GIVEN the platform sends expires_in as a JSON string ("7200") THEN the token is cached for 7200 s', async () => {
    const { platform, manager, clock } = await setup()
    const token = await manager.getToken()
    expect(token).toBe(platform.currentToken)
    expect(platform.calls.find((call) => call.path === TOKEN_PATH)!.body).toEqual({
      appId: platform.appId,
      clientSecret: platform.secret,
    })
    expect(manager.remainingMs).toBe(7200 * 1000)
    clock.now += 3600 * 1000
    expect(await manager.getToken()).toBe(token)
    expect(platform.tokenRequests).toBe(1)
  })

  it('GIVEN expires_in as a JSON number THEN it is accepted the same way', async () => {
    const { platform, manager, pending } = await setup()
    platform.failNext(
      { path: TOKEN_PATH },
      { status: 200, body: { access_token: 'numeric-expiry-token', expires_in: 7200 } },
    )
    expect(await manager.getToken()).toBe('numeric-expiry-token')
    expect(manager.remainingMs).toBe(7200 * 1000)
    expect(pending().delayMs).toBeGreaterThan(7000 * 1000)
  })

  it('GIVEN a grant without a usable expires_in THEN getToken rejects instead of caching a token forever', async () => {
    const { platform, manager, scheduled } = await setup()
    platform.failNext({ path: TOKEN_PATH }, { status: 200, body: { access_token: 'no-expiry', expires_in: 'abc' } })
    await expect(manager.getToken()).rejects.toBeInstanceOf(TokenError)
    expect(scheduled).toHaveLength(0)
  })
})

describe('AccessTokenManager: proactive refresh', () => {
  it.each([
    ['lowest jitter', 0],
    ['highest jitter', 0.999_999],
    ['no jitter', 0.5],
  ])(
    'GIVEN a 7200 s token (%s) THEN the refresh delay lies in [ttl − margin − jitter, ttl − margin + jitter]',
    async (_, random) => {
      vi.spyOn(Math, 'random').mockReturnValue(random)
      const margin = 40_000
      const jitter = 8_000
      const { manager, pending } = await setup({ refreshMarginMs: margin, refreshJitterMs: jitter })
      await manager.getToken()
      const delay = pending().delayMs
      const ttl = 7200 * 1000
      expect(delay).toBeGreaterThanOrEqual(ttl - margin - jitter)
      expect(delay).toBeLessThanOrEqual(ttl - margin + jitter)
      expect(delay).toBeCloseTo(ttl - margin + (random * 2 - 1) * jitter, -1)
    },
  )

  it("GIVEN default settings THEN the refresh lands inside the platform's last-60-s window: T−45 s ± 5 s", async () => {
    const { manager, scheduled } = await setup()
    await manager.getToken()
    expect(scheduled).toHaveLength(1)
    const delay = scheduled[0]!.delayMs
    expect(delay).toBeGreaterThanOrEqual((7200 - 50) * 1000)
    expect(delay).toBeLessThanOrEqual((7200 - 40) * 1000)
  })

  it('GIVEN the shared clock reaches the window and the timer fires THEN a NEW token is fetched, used and its refresh scheduled', async () => {
    const { platform, manager, pending, fire } = await setup()
    const first = await manager.getToken()
    const second = await fire(pending())
    expect(second).not.toBe(first)
    expect(second).toBe(platform.currentToken)
    expect(await manager.getToken()).toBe(second)
    expect(platform.tokenRequests).toBe(2)
    // the next refresh follows the new token's full lifetime
    expect(pending().delayMs).toBeGreaterThan(7000 * 1000)
    const third = await fire(pending())
    expect(third).not.toBe(second)
    expect(platform.tokenRequests).toBe(3)
  })

  it('GIVEN the refresh fires a moment too early (61 s left) THEN the same token comes back and another refresh follows, which gets a new one', async () => {
    const { clock, platform, manager, scheduled, pending, fire } = await setup()
    const first = await manager.getToken()
    clock.now += (7200 - 61) * 1000 - scheduled[0]!.delayMs // so that firing lands at exactly 61 s left
    expect(await fire(scheduled[0]!)).toBe(first) // the platform: same token, expires_in "61"
    const retry = pending()
    expect(retry.delayMs).toBeGreaterThanOrEqual(1_000)
    expect(retry.delayMs).toBeLessThan(61_000)
    const second = await fire(retry)
    expect(second).not.toBe(first)
    expect(second).toBe(platform.currentToken)
    expect(platform.tokenRequests).toBe(3)
  })

  it('GIVEN tokens handed back already inside the margin (30 s lifetime) THEN each retry is ≥ 1 s (never 0) and refreshing never stops', async () => {
    const { platform, manager, pending, fire } = await setup({}, { tokenTtlSeconds: 30 })
    const seen = [await manager.getToken()]
    for (let round = 0; round < 5; round++) {
      const timer = pending()
      expect(timer.delayMs).toBeGreaterThanOrEqual(1_000)
      expect(timer.delayMs).toBeLessThan(30_000)
      seen.push(await fire(timer))
    }
    expect(new Set(seen).size).toBe(6) // a new token every round: the platform is always inside its window
    expect(platform.tokenRequests).toBe(6)
    expect(await manager.getToken()).toBe(platform.currentToken)
  })

  it('GIVEN a grant of expires_in "1" THEN the retry is still scheduled at least 1 s out', async () => {
    const { platform, manager, pending } = await setup()
    platform.failNext({ path: TOKEN_PATH }, { status: 200, body: { access_token: 'nearly-gone', expires_in: '1' } })
    await manager.getToken()
    expect(pending().delayMs).toBeGreaterThanOrEqual(1_000)
  })

  it('GIVEN stop() THEN the armed refresh is cancelled and no new one is scheduled, but getToken still works', async () => {
    const { platform, manager, scheduled, clock } = await setup()
    await manager.getToken()
    manager.stop()
    expect(scheduled[0]!.cancelled).toBe(true)
    clock.now += 7200 * 1000
    expect(await manager.getToken()).toBe(platform.currentToken)
    expect(scheduled).toHaveLength(1)
  })
})

describe('AccessTokenManager: single-flight, errors, invalidation', () => {
  it('GIVEN 100 parallel getToken() calls THEN exactly one token request is made (single-flight)', async () => {
    const { platform, manager } = await setup()
    platform.setRestLatency(30) // keep the first request open while the others pile up
    const tokens = await Promise.all(Array.from({ length: 100 }, () => manager.getToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(tokens[0]).toBe(platform.currentToken)
    expect(platform.tokenRequests).toBe(1)
  })

  it('GIVEN a wrong secret THEN TOKEN_REQUEST_FAILED with platformCode 100016 tells the user to check AppID/AppSecret, with no retry storm', async () => {
    const { platform, manager, scheduled } = await setup({ secret: 'wrong-secret-value' })
    const errors = await Promise.all(Array.from({ length: 20 }, () => manager.getToken().catch((e: unknown) => e)))
    const error = errors[0]
    expect(error).toBeInstanceOf(TokenError)
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', platformCode: 100016, transient: false })
    expect((error as Error).message).toMatch(/AppID\/AppSecret/)
    expect((error as Error).message).toMatch(/check/i)
    expect(errors.every((e) => e === error)).toBe(true) // the 20 callers shared the one failed request
    await new Promise((resolve) => setTimeout(resolve, 600)) // longer than the transient backoff would wait
    expect(platform.tokenRequests).toBe(1)
    expect(scheduled).toHaveLength(0)
    // a later call asks once more (the user may have fixed the console), still one request per call
    await expect(manager.getToken()).rejects.toMatchObject({ platformCode: 100016 })
    expect(platform.tokenRequests).toBe(2)
  })

  it('GIVEN the rejection arrives as HTTP 200 with a code body THEN it is the same non-transient TokenError', async () => {
    const { platform, manager } = await setup()
    platform.failNext({ path: TOKEN_PATH }, { status: 200, body: { code: 100016, message: 'invalid appid or secret' } })
    await expect(manager.getToken()).rejects.toMatchObject({
      code: 'TOKEN_REQUEST_FAILED',
      platformCode: 100016,
      status: 200,
      transient: false,
    })
    expect(platform.tokenRequests).toBe(1)
  })

  it('GIVEN a token endpoint that fails transiently (100002) THEN it retries with backoff and succeeds', async () => {
    const { platform, manager } = await setup()
    platform.failNext({ path: TOKEN_PATH }, { status: 200, body: { code: 100002, message: 'internal err' } }, 2)
    const token = await manager.getToken()
    expect(token).toBe(platform.currentToken)
    expect(platform.tokenRequests).toBe(3)
  })

  it('GIVEN a transient failure that never ends THEN it gives up after `attempts` requests', async () => {
    const { platform, manager } = await setup({ attempts: 2 })
    platform.failNext({ path: TOKEN_PATH }, { status: 503 }, 10)
    await expect(manager.getToken()).rejects.toMatchObject({
      code: 'TOKEN_REQUEST_FAILED',
      status: 503,
      transient: true,
    })
    expect(platform.tokenRequests).toBe(2)
  })

  it('GIVEN invalidate(current) THEN the next getToken() fetches; invalidating a stale token changes nothing', async () => {
    const { platform, manager } = await setup()
    const first = await manager.getToken()
    manager.invalidate('some-older-token')
    expect(await manager.getToken()).toBe(first)
    expect(platform.tokenRequests).toBe(1)
    platform.expireAllTokens()
    manager.invalidate(first)
    const second = await manager.getToken()
    expect(second).not.toBe(first)
    expect(platform.tokenRequests).toBe(2)
    // a late report about the first token (another request that carried it) must not throw the new one away
    manager.invalidate(first)
    expect(await manager.getToken()).toBe(second)
    expect(platform.tokenRequests).toBe(2)
  })

  it('GIVEN no token, a good one, one within 5 s of expiry and an invalidated one THEN currentToken() gives only the good one', async () => {
    const { clock, manager } = await setup()
    expect(manager.currentToken()).toBeUndefined()
    const token = await manager.getToken()
    expect(manager.currentToken()).toBe(token)
    clock.now += 7_200_000 - 4_000
    expect(manager.currentToken()).toBeUndefined()
    const next = await manager.getToken()
    expect(manager.currentToken()).toBe(next)
    manager.invalidate(next)
    expect(manager.currentToken()).toBeUndefined()
  })
})

describe('AccessTokenManager: a failed scheduled refresh keeps retrying while the token is valid', () => {
  /** Fires an armed timer at its time and waits for the fetch it started (success or failure). */
  async function fireAndSettle(s: Awaited<ReturnType<typeof setup>>, entry: Scheduled): Promise<void> {
    s.clock.now += entry.delayMs
    entry.cancelled = true
    entry.callback()
    await s.manager.refresh().catch(() => undefined) // joins the attempt the callback started
  }

  function logCollector() {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(chunk.toString())
        callback()
      },
    })
    return { lines, logger: createLogger({ level: 'warn', destination: stream }) }
  }

  it.each([
    ['lowest jitter', 0],
    ['highest jitter', 0.999_999],
    ['random jitter', undefined],
  ])(
    'GIVEN a one-minute token endpoint outage around refresh time (%s) THEN getToken() keeps answering the old token and a new one arrives before expiry',
    async (_, random) => {
      if (random !== undefined) vi.spyOn(Math, 'random').mockReturnValue(random)
      const logs = logCollector()
      const s = await setup({ logger: logs.logger })
      const old = await s.manager.getToken()
      const expiresAt = s.clock.now + 7200 * 1000
      const refresh = s.pending()
      // The outage starts 40 s before the refresh is due and lasts a minute.
      s.clock.now += refresh.delayMs - 40_000
      refresh.delayMs = 40_000
      const outage = s.platform.failFor({ path: TOKEN_PATH }, { status: 503 }, { durationMs: 60_000 })
      const outageEnds = s.clock.now + 60_000
      expect(await s.manager.getToken()).toBe(old)
      const requestsBefore = s.platform.tokenRequests

      const delays: number[] = []
      let timer = refresh
      while (s.platform.currentToken === old || s.manager.remainingMs < 7000 * 1000) {
        await fireAndSettle(s, timer)
        if (outage.active) expect(await s.manager.getToken()).toBe(old) // still valid: no caller waits or fails
        timer = s.pending()
        delays.push(timer.delayMs)
        expect(delays.length).toBeLessThan(20)
      }

      expect(s.clock.now).toBeGreaterThanOrEqual(outageEnds)
      // fetched while the old token was still handed out: the last try comes no later than 5 s before expiry
      expect(s.clock.now).toBeLessThanOrEqual(expiresAt - 5_000)
      const fresh = await s.manager.getToken()
      expect(fresh).not.toBe(old)
      expect(fresh).toBe(s.platform.currentToken)
      // one request per try (no burst of inner retries), each failure answered by the outage
      expect(s.platform.tokenRequests - requestsBefore).toBe(outage.injected + 1)
      expect(outage.injected).toBeGreaterThanOrEqual(4)
      const retryDelays = delays.slice(0, -1) // the last one is the next regular refresh
      expect(retryDelays.every((delay) => delay >= 500 && delay <= 30_000)).toBe(true)
      expect(retryDelays[0]).toBeLessThanOrEqual(1_000)
      expect(Math.max(...retryDelays)).toBeGreaterThan(retryDelays[0]!) // backing off
      expect(delays.at(-1)).toBeGreaterThan(7000 * 1000)
      // every failure logged, none with the secret
      const warnings = logs.lines.filter((line) => line.includes('scheduled access token refresh failed'))
      expect(warnings).toHaveLength(outage.injected)
      expect(logs.lines.join('')).not.toContain(s.platform.secret)
    },
  )

  it('GIVEN an outage that outlasts the token THEN retries stop before expiry and the next getToken() fetches on demand', async () => {
    const s = await setup()
    const old = await s.manager.getToken()
    let timer: Scheduled | undefined = s.pending()
    s.clock.now += timer.delayMs - 1_000 // the outage starts a second before the refresh is due and lasts 10 min
    timer.delayMs = 1_000
    s.platform.failFor({ path: TOKEN_PATH }, { status: 503 }, { durationMs: 10 * 60_000 })
    let tries = 0
    while (timer) {
      await fireAndSettle(s, timer)
      tries++
      timer = s.scheduled.find((entry) => !entry.cancelled)
      expect(tries).toBeLessThan(30)
    }
    // the last try came when the token had only the few seconds left that getToken() no longer hands out
    expect(s.manager.remainingMs).toBeGreaterThan(0)
    expect(s.manager.remainingMs).toBeLessThanOrEqual(5_000)
    s.platform.clearFaults()
    s.clock.now += s.manager.remainingMs
    const fresh = await s.manager.getToken()
    expect(fresh).not.toBe(old)
  })

  it('GIVEN stop() while a retry is armed THEN it is cancelled and nothing more is scheduled', async () => {
    const s = await setup()
    await s.manager.getToken()
    s.platform.failFor({ path: TOKEN_PATH }, { status: 503 })
    await fireAndSettle(s, s.pending())
    const retry = s.pending()
    const armed = s.scheduled.length
    s.manager.stop()
    expect(retry.cancelled).toBe(true)
    retry.callback() // a timer that fires anyway does nothing
    expect(s.scheduled).toHaveLength(armed)
  })
})
