import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import { createLogger } from './logger.js'
import { SecretScrubber } from './secret-scrubber.js'

function collector() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString())
      callback()
    },
  })
  return { lines, stream, text: () => lines.join('') }
}

describe('createLogger redaction', () => {
  it('GIVEN secrets as fields, nested, in messages and in errors THEN none reaches the output', () => {
    const out = collector()
    const scrubber = new SecretScrubber()
    const secret = 'app-secret-XYZ-123456'
    const token = 'access-token-ABC-987654'
    scrubber.add(secret)
    scrubber.add(token)
    const logger = createLogger({ destination: out.stream, scrubber, level: 'trace' })
    logger.info({ secret, token, headers: { authorization: `QQBot ${token}` } }, 'fields')
    logger.info({ request: { clientSecret: secret, headers: { authorization: `QQBot ${token}` } } }, 'nested')
    logger.warn(`a message that mentions ${token} and ${secret}`)
    logger.error({ err: new Error(`failed with token ${token}`) }, 'error')
    const text = out.text()
    expect(out.lines).toHaveLength(4)
    expect(text).not.toContain(secret)
    expect(text).not.toContain(token)
    expect(text).toContain('[redacted]')
  })

  it('GIVEN short or empty values THEN the scrubber ignores them (it would shred ordinary text)', () => {
    const scrubber = new SecretScrubber()
    scrubber.add('')
    scrubber.add('ab')
    expect(scrubber.scrub('ab cd')).toBe('ab cd')
  })
})

describe('the client never logs its secret or tokens', () => {
  let platform: FakePlatform | undefined
  let client: QQBotClient | undefined
  afterEach(async () => {
    await client?.stop()
    await platform?.close()
  })

  it('GIVEN trace logging, a gateway session, REST calls and a token refresh THEN the log holds no secret and no token', async () => {
    platform = await startFakePlatform({ heartbeatIntervalMs: 50 })
    const out = collector()
    client = createClient({ appId: platform.appId, secret: platform.secret, hosts: { api: platform.url }, logLevel: 'trace', logDestination: out.stream, gateway: { identifyIntervalMs: 0 } })
    await client.start()
    const tokens = [platform.currentToken]
    await client.api.getMe()
    platform.expireAllTokens()
    await client.api.getMe()
    tokens.push(platform.currentToken)
    platform.failNext({ path: '/users/@me' }, { status: 500, body: { message: `echo ${platform.currentToken}` } })
    await client.api.getMe().catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 150))
    const text = out.text()
    expect(text.length).toBeGreaterThan(0)
    expect(text).not.toContain(platform.secret)
    for (const token of tokens) expect(text).not.toContain(token)
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
