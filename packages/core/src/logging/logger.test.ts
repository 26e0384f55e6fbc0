import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import { ApiError } from '../rest/api-error.js'
import { createLogger } from './logger.js'
import { SecretScrubber } from './secret-scrubber.js'
import { captureLogs } from './test-log-capture.js'

const SECRET = 'app-secret-XYZ-123456'
const TOKEN = 'access-token-ABC-987654'

function setupLogger(known: string[] = [SECRET, TOKEN]) {
  const out = captureLogs()
  const scrubber = new SecretScrubber()
  scrubber.add(SECRET, { pinned: true })
  for (const value of known) if (value !== SECRET) scrubber.add(value)
  const logger = createLogger({ destination: out.destination, scrubber, level: 'trace' })
  return { out, logger }
}

describe('createLogger redaction', () => {
  it('GIVEN an error whose message already names its cause THEN the line says it once, with the cause nested', () => {
    const { out, logger } = setupLogger()
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:9')
    logger.warn({ err: new Error(`Could not reach the token endpoint: ${cause.message}.`, { cause }) }, 'retrying')
    const line = JSON.parse(out.text()) as { err: { message: string; cause: { message: string } } }
    expect(line.err.message).toBe('Could not reach the token endpoint: connect ECONNREFUSED 127.0.0.1:9.')
    expect(line.err.cause.message).toBe('connect ECONNREFUSED 127.0.0.1:9')
  })

  it.each([
    ['top-level secret/token fields', { secret: SECRET, token: TOKEN }],
    [
      'appSecret / clientSecret / accessToken / access_token',
      { appSecret: SECRET, clientSecret: SECRET, accessToken: TOKEN, access_token: TOKEN },
    ],
    ['headers.authorization', { headers: { authorization: `QQBot ${TOKEN}`, Authorization: `QQBot ${TOKEN}` } }],
    [
      'nested one level',
      { request: { clientSecret: SECRET, token: TOKEN, headers: { authorization: `QQBot ${TOKEN}` } } },
    ],
    ['nested deeper', { a: { b: { c: { secret: SECRET, note: `token=${TOKEN}` } } } }],
    ['an identify payload', { payload: { op: 2, d: { token: `QQBot ${TOKEN}`, intents: 1 } } }],
    ['under an unrelated key', { config: `${SECRET}:${TOKEN}`, list: [SECRET, TOKEN] }],
  ])('GIVEN the secret and a token as fields (%s) THEN neither reaches the output', (_, fields) => {
    const { out, logger } = setupLogger()
    logger.info(fields, 'fields')
    expect(out.raw).toHaveLength(1)
    expect(out.text()).not.toContain(SECRET)
    expect(out.text()).not.toContain(TOKEN)
    expect(out.text()).toContain('[redacted]')
    expect(JSON.parse(out.raw[0]!)).toMatchObject({ msg: 'fields' }) // still one valid JSON line
  })

  it('GIVEN secrets inside message strings (plain, printf-style, child bindings) THEN none reaches the output', () => {
    const { out, logger } = setupLogger()
    logger.warn(`a message that mentions ${TOKEN} and ${SECRET}`)
    logger.info('token %s secret %s', TOKEN, SECRET)
    logger.child({ session: `QQBot ${TOKEN}` }).info('child')
    expect(out.raw).toHaveLength(3)
    expect(out.text()).not.toContain(SECRET)
    expect(out.text()).not.toContain(TOKEN)
  })

  it('GIVEN secrets inside an error message and stack (as err, as the object, as a cause) THEN none reaches the output', () => {
    const { out, logger } = setupLogger()
    logger.error({ err: new Error(`failed with token ${TOKEN}`) }, 'error field')
    logger.error(new Error(`secret ${SECRET} rejected`))
    logger.error({ err: new Error('outer', { cause: new Error(`inner ${TOKEN}`) }) }, 'with cause')
    logger.error(
      {
        err: new ApiError({
          route: 'GET /x',
          status: 500,
          platformMessage: `echo QQBot ${TOKEN}`,
          body: { echoed: SECRET },
        }),
      },
      'api error',
    )
    const text = out.text()
    expect(out.raw).toHaveLength(4)
    expect(text).toContain('failed with token [redacted]')
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain(TOKEN)
  })

  it('GIVEN values the scrubber was never told about THEN the key-based redaction still hides secret/token/authorization fields', () => {
    const { out, logger } = setupLogger([])
    const unknownToken = 'token-the-scrubber-never-saw'
    logger.info(
      {
        token: unknownToken,
        secret: 'secret-never-seen',
        headers: { authorization: `QQBot ${unknownToken}` },
        req: { access_token: unknownToken },
      },
      'keys',
    )
    const line = JSON.parse(out.raw[0]!) as Record<string, unknown>
    expect(line).toMatchObject({
      token: '[redacted]',
      secret: '[redacted]',
      headers: { authorization: '[redacted]' },
      req: { access_token: '[redacted]' },
    })
    expect(out.text()).not.toContain(unknownToken)
    expect(out.text()).not.toContain('secret-never-seen')
  })

  it('GIVEN short or empty values THEN the scrubber ignores them (it would shred ordinary text)', () => {
    const scrubber = new SecretScrubber()
    scrubber.add('')
    scrubber.add('ab')
    scrubber.add(undefined)
    expect(scrubber.scrub('ab cd')).toBe('ab cd')
  })

  it('GIVEN secrets with regex metacharacters THEN they are matched literally', () => {
    const scrubber = new SecretScrubber()
    scrubber.add('a.b*c+d?(e)[f]', { pinned: true })
    expect(scrubber.scrub('x a.b*c+d?(e)[f] y axbbbcdde z')).toBe('x [redacted] y axbbbcdde z')
  })
})

describe('SecretScrubber retention', () => {
  it('GIVEN many rotated tokens THEN the pinned AppSecret is still scrubbed, and only old tokens are forgotten', () => {
    const scrubber = new SecretScrubber()
    scrubber.add('the-app-secret-value', { pinned: true })
    for (let i = 0; i < 40; i++) scrubber.add(`access-token-number-${i}`)
    expect(scrubber.scrub('x the-app-secret-value y')).toBe('x [redacted] y')
    expect(scrubber.scrub('access-token-number-39')).toBe('[redacted]')
    expect(scrubber.scrub('access-token-number-0')).toBe('access-token-number-0')
  })
})

describe('the client never logs its secret or tokens', () => {
  let platform: FakePlatform | undefined
  let client: QQBotClient | undefined
  afterEach(async () => {
    await client?.stop()
    await platform?.close()
    client = platform = undefined
  })

  /** Every token the fake accepted or was shown: from the Authorization header of each REST call, plus the current one. */
  function issuedTokens(p: FakePlatform): string[] {
    const tokens = new Set<string>()
    for (const call of p.calls) {
      const match = /^QQBot (\S+)$/.exec(call.headers.authorization ?? '')
      if (match?.[1]) tokens.add(match[1])
    }
    if (p.currentToken) tokens.add(p.currentToken)
    return [...tokens]
  }

  it('GIVEN trace logging, a gateway session, REST calls and a 401 refresh THEN the log holds no secret and no token', async () => {
    platform = await startFakePlatform({ heartbeatIntervalMs: 50 })
    const out = captureLogs()
    client = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'trace',
      logDestination: out.destination,
      gateway: { identifyIntervalMs: 0 },
      rest: { backoff: { baseMs: 5, maxMs: 10 } },
    })
    await client.start()
    await client.api.getMe()
    const first = platform.currentToken!
    platform.expireAllTokens()
    await client.api.getMe() // 401 → refresh → retry
    const second = platform.currentToken!
    expect(second).not.toBe(first)
    // make secrets reach log calls: an async-accepted answer echoing them is logged at debug with its body,
    // and the application logs an error whose message carries the token
    platform.failNext(
      { path: '/channels/c1/messages' },
      { status: 202, body: { code: 304024, message: `echo ${second} ${platform.secret}` } },
    )
    await client.api.sendChannelMessage('c1', { content: 'x', msg_id: 'm' })
    platform.failNext({ path: '/users/@me' }, { status: 400, body: { code: 1, message: `echo QQBot ${second}` } })
    const error = await client.api.getMe().catch((e: unknown) => e)
    client.logger.error({ err: error }, 'call failed')
    client.logger.info(`configured with ${platform.secret}`)
    await new Promise((resolve) => setTimeout(resolve, 150)) // a few heartbeats at trace level
    await client.stop()

    const text = out.text()
    expect(out.raw.length).toBeGreaterThan(5)
    expect(text).toContain('access token rejected, refreshing')
    expect(text).toContain('request accepted asynchronously')
    expect(text).toContain('[redacted]')
    expect(text).not.toContain(platform.secret)
    const tokens = issuedTokens(platform)
    expect(tokens).toEqual(expect.arrayContaining([first, second]))
    for (const token of tokens) expect(text).not.toContain(token)
  })

  it('GIVEN a long-running bot with many token refreshes THEN the AppSecret is still scrubbed from its logs', async () => {
    platform = await startFakePlatform()
    const out = captureLogs()
    client = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'trace',
      logDestination: out.destination,
    })
    for (let i = 0; i < 20; i++) {
      platform.expireAllTokens()
      await client.api.getMe()
    }
    client.logger.warn(`oops: ${platform.secret} / ${platform.currentToken}`)
    const text = out.text()
    expect(platform.tokenRequests).toBeGreaterThanOrEqual(20)
    expect(text).toContain('oops: [redacted] / [redacted]')
    expect(text).not.toContain(platform.secret)
  })
})
