import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createLogger } from '../logging/logger.js'
import { HttpTransport } from '../rest/http-transport.js'
import { AccessTokenManager, parseExpiresIn, type AccessTokenManagerOptions } from './access-token-manager.js'
import { TokenError } from './token-errors.js'

const logger = createLogger({ level: 'silent' })
let platform: FakePlatform | undefined
let transport: HttpTransport | undefined
afterEach(async () => {
  await transport?.close()
  await platform?.close()
  transport = platform = undefined
})

/** A manager and a fake platform sharing one controllable clock, with the refresh timer captured instead of run. */
async function setup(overrides: Partial<AccessTokenManagerOptions> = {}) {
  const clock = { now: 1_700_000_000_000 }
  platform = await startFakePlatform({ now: () => clock.now, tokenTtlSeconds: 7200 })
  transport = new HttpTransport()
  const scheduled: { callback: () => void; delayMs: number; cancelled: boolean }[] = []
  const manager = new AccessTokenManager({
    appId: platform.appId,
    secret: platform.secret,
    tokenUrl: `${platform.url}/app/getAppAccessToken`,
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
  return { clock, platform, manager, scheduled }
}

describe('parseExpiresIn', () => {
  it.each([
    ['7200', 7200],
    [7200, 7200],
    ['3261', 3261],
    ['', undefined],
    ['abc', undefined],
    [-1, undefined],
    [null, undefined],
    [undefined, undefined],
  ])('GIVEN %j THEN %j', (input, expected) => {
    expect(parseExpiresIn(input)).toBe(expected)
  })
})

describe('AccessTokenManager', () => {
  it('GIVEN a fresh token THEN the refresh is scheduled inside the last-60-s window, at T−45 s ± 5 s', async () => {
    const { manager, scheduled } = await setup()
    await manager.getToken()
    expect(scheduled).toHaveLength(1)
    const delay = scheduled[0]!.delayMs
    expect(delay).toBeGreaterThanOrEqual((7200 - 50) * 1000)
    expect(delay).toBeLessThanOrEqual((7200 - 40) * 1000)
  })

  it('GIVEN the clock reaches the window and the timer fires THEN a NEW token is fetched and used', async () => {
    const { clock, platform, manager, scheduled } = await setup()
    const first = await manager.getToken()
    clock.now += scheduled[0]!.delayMs
    scheduled[0]!.callback()
    await new Promise((resolve) => setTimeout(resolve, 100))
    const second = await manager.getToken()
    expect(second).not.toBe(first)
    expect(second).toBe(platform.currentToken)
    expect(platform.tokenRequests).toBe(2)
    // and the next refresh is scheduled for the new token's lifetime
    expect(scheduled.at(-1)!.delayMs).toBeGreaterThan(7000 * 1000)
  })

  it('GIVEN the platform hands back a token already inside the margin THEN the next refresh is soon but never 0, and keeps going', async () => {
    const { clock, platform, manager, scheduled } = await setup()
    await manager.getToken()
    clock.now += (7200 - 61) * 1000 // 61 s left: the platform still returns the same token, expires_in "61"
    scheduled[0]!.callback()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(platform.tokenRequests).toBe(2)
    const retry = scheduled.at(-1)!
    expect(retry.delayMs).toBeGreaterThanOrEqual(1_000)
    expect(retry.delayMs).toBeLessThan(61_000)
    clock.now += retry.delayMs
    retry.callback()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await manager.getToken()).toBe(platform.currentToken)
    expect(platform.tokenRequests).toBe(3)
  })

  it('GIVEN 100 parallel getToken() calls THEN exactly one token request is made (single-flight)', async () => {
    const { platform, manager } = await setup()
    const tokens = await Promise.all(Array.from({ length: 100 }, () => manager.getToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(platform.tokenRequests).toBe(1)
  })

  it('GIVEN a wrong secret THEN a TokenError says to check AppID/AppSecret, without retries', async () => {
    const { platform, manager } = await setup({ secret: 'wrong-secret-value' })
    const error = await manager.getToken().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenError)
    expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', platformCode: 100016, transient: false })
    expect((error as Error).message).toMatch(/AppID\/AppSecret/)
    expect(platform.tokenRequests).toBe(1)
  })

  it('GIVEN a token endpoint that fails transiently THEN it retries with backoff and succeeds', async () => {
    const { platform, manager } = await setup()
    platform.failNext({ path: '/app/getAppAccessToken' }, { status: 200, body: { code: 100002, message: 'internal err' } }, 2)
    const token = await manager.getToken()
    expect(token).toBe(platform.currentToken)
    expect(platform.calls.filter((call) => call.path === '/app/getAppAccessToken')).toHaveLength(3)
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
  })
})
