import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { AccessTokenManager } from '../auth/access-token-manager.js'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import { ApiError } from './api-error.js'
import { HttpTransport } from '../http/http-transport.js'
import { OpenApi } from './open-api.js'
import { RestClient } from './rest-client.js'
import { retryAfterMs } from './retry-after.js'

const logger = createLogger({ level: 'silent' })
const ROUTE = 'POST /v2/groups/{group_openid}/messages'
const PATH = '/v2/groups/g1/messages'
let platform: FakePlatform | undefined
let transport: HttpTransport | undefined
let tokens: AccessTokenManager | undefined
afterEach(async () => {
  tokens?.stop()
  await transport?.close()
  await platform?.close()
  transport = platform = tokens = undefined
})

async function setup() {
  platform = await startFakePlatform()
  transport = new HttpTransport()
  const metrics = new Metrics()
  tokens = new AccessTokenManager({
    appId: platform.appId,
    secret: platform.secret,
    tokenUrl: `${platform.url}/app/getAppAccessToken`,
    transport,
    logger,
  })
  const rest = new RestClient({
    baseUrl: platform.url,
    appId: platform.appId,
    tokens,
    transport,
    logger,
    metrics,
    retries: 3,
    backoff: { baseMs: 5, maxMs: 20 },
  })
  return { platform, api: new OpenApi(rest), metrics }
}

const reply = { content: 'pong', msg_type: 0, msg_id: 'inbound-1', msg_seq: 1 }
const sendsTo = (p: FakePlatform) => p.calls.filter((call) => call.method === 'POST' && call.path === PATH)
const caught = <T>(promise: Promise<T>): Promise<unknown> =>
  promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  )

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it.each([
    ['seconds', { 'retry-after': '3' }, undefined, 3_000],
    ['fractional seconds', { 'retry-after': '0.25' }, undefined, 250],
    ['an HTTP date', { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, undefined, 7_000],
    ['an HTTP date in the past', { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, undefined, 0],
    ['a retry_after field in the body', {}, { code: 22009, retry_after: 2 }, 2_000],
    ['a string retry_after field', {}, { retry_after: '1.5' }, 1_500],
    ['nothing', {}, { code: 22009 }, undefined],
    ['garbage', { 'retry-after': 'soon' }, 'text', undefined],
  ])('GIVEN %s THEN %s ms', (_, headers, body, expected) => {
    expect(retryAfterMs(headers, body, now)).toBe(expected)
  })
})

describe('RestClient: rate limits retried by deadline (retryWithinMs)', () => {
  it('GIVEN 8 rate limits in a row, more than `retries` THEN the call keeps the same body and lands once; the counters add up', async () => {
    const { platform, api, metrics } = await setup()
    platform.failNext({ path: PATH }, { status: 429 }, 5)
    platform.failNext({ path: PATH }, { status: 400, body: { code: 22009, message: 'msg limit exceed' } }, 3)
    const result = await api.sendGroupMessage('g1', reply, { retryWithinMs: 10_000 })
    expect(result.id).toBeDefined()
    const attempts = sendsTo(platform)
    expect(attempts.map((call) => call.status)).toEqual([429, 429, 429, 429, 429, 400, 400, 400, 200])
    expect(new Set(attempts.map((call) => JSON.stringify(call.body)))).toEqual(new Set([JSON.stringify(reply)]))
    expect(platform.sent).toHaveLength(1)
    expect(metrics.count('rest_rate_limited', { route: ROUTE })).toBe(8)
    expect(metrics.count('rest_retries', { route: ROUTE })).toBe(8)
  })

  it('GIVEN the same 8 rate limits without retryWithinMs THEN the call gives up after retries (3) + 1 attempts', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: PATH }, { status: 429 }, 8)
    const error = await caught(api.sendGroupMessage('g1', reply))
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 429, attempts: 4, rateLimited: true })
    expect((error as Error).message).toMatch(/Gave up after 4 attempts/)
  })

  it('GIVEN rate limits that outlast the budget THEN it gives up before the budget ends, with the rate-limit error and every attempt counted', async () => {
    const { platform, api } = await setup()
    // The token is fetched before the clock starts, and the budget leaves room for several attempts on a
    // loaded machine: only the retries are measured against it.
    await tokens!.getToken()
    const storm = platform.failFor({ path: PATH }, { status: 429 })
    const started = Date.now()
    const error = (await caught(api.sendGroupMessage('g1', reply, { retryWithinMs: 1_000 }))) as ApiError
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.rateLimited).toBe(true)
    expect(error.attempts).toBe(sendsTo(platform).length)
    expect(error.attempts).toBeGreaterThan(4) // more than count-based retries would have made
    expect(storm.injected).toBe(error.attempts)
    expect(platform.sent).toHaveLength(0)
  })

  it('GIVEN a Retry-After header THEN the next attempt waits that long, not the (much shorter) backoff', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: PATH }, { status: 429, headers: { 'Retry-After': '1' } })
    await api.sendGroupMessage('g1', reply, { retryWithinMs: 10_000 })
    const [limited, accepted] = sendsTo(platform)
    expect(accepted!.at - limited!.at).toBeGreaterThanOrEqual(950)
  })

  it('GIVEN a Retry-After beyond the budget THEN it gives up at once instead of waiting past the deadline', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: PATH }, { status: 429, headers: { 'Retry-After': '30' } })
    const started = Date.now()
    const error = await caught(api.sendGroupMessage('g1', reply, { retryWithinMs: 5_000 }))
    expect(error).toMatchObject({ status: 429, attempts: 1 })
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('GIVEN a 500 on a call with retryWithinMs THEN it is still retried by count, not by deadline', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: PATH }, { status: 500 }, 10)
    await expect(api.sendGroupMessage('g1', reply, { retryWithinMs: 10_000 })).rejects.toMatchObject({
      status: 500,
      attempts: 4,
    })
  })
})
