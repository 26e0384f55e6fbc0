import { describe, expect, it } from 'vitest'
import { HttpTransport } from '../http/http-transport.js'
import { LEGACY_HOSTS, PRODUCTION_HOSTS, resolveHosts, SANDBOX_HOSTS } from './hosts.js'

// These compare strings; test/support/loopback-only.ts makes sure no test process can reach a real QQ host.
describe('resolveHosts', () => {
  it('GIVEN no hosts option THEN production: the new api.bot.qq.com domain, token on it, the old domain as gateway-lookup fallback', () => {
    expect(resolveHosts(undefined)).toBe(PRODUCTION_HOSTS)
    expect(resolveHosts('production')).toEqual({
      api: 'https://api.bot.qq.com',
      tokenUrl: 'https://api.bot.qq.com/app/getAppAccessToken',
      fallbackApi: 'https://api.sgroup.qq.com',
    })
  })

  it("GIVEN 'legacy' THEN the 2025 docs' domain and token endpoint, with the new domain as fallback", () => {
    expect(resolveHosts('legacy')).toBe(LEGACY_HOSTS)
    expect(LEGACY_HOSTS).toEqual({
      api: 'https://api.sgroup.qq.com',
      tokenUrl: 'https://bots.qq.com/app/getAppAccessToken',
      fallbackApi: 'https://api.bot.qq.com',
    })
  })

  it("GIVEN 'sandbox' THEN the sandbox domain, without a fallback", () => {
    expect(resolveHosts('sandbox')).toBe(SANDBOX_HOSTS)
    expect(SANDBOX_HOSTS.fallbackApi).toBeUndefined()
  })

  it('GIVEN explicit hosts THEN the token URL defaults to the api host, and a fallback only when given (trailing slashes dropped)', () => {
    expect(resolveHosts({ api: 'http://127.0.0.1:9000/' })).toEqual({
      api: 'http://127.0.0.1:9000',
      tokenUrl: 'http://127.0.0.1:9000/app/getAppAccessToken',
    })
    expect(
      resolveHosts({
        api: 'http://127.0.0.1:9000',
        fallbackApi: 'http://127.0.0.1:9001/',
        gateway: 'ws://127.0.0.1:9002/websocket',
      }),
    ).toEqual({
      api: 'http://127.0.0.1:9000',
      tokenUrl: 'http://127.0.0.1:9000/app/getAppAccessToken',
      gateway: 'ws://127.0.0.1:9002/websocket',
      fallbackApi: 'http://127.0.0.1:9001',
    })
  })
})

describe('the real hosts named above are never reached by a test', () => {
  // The guard is checked against a reserved name (.invalid never resolves), never against a QQ host: if the guard
  // were missing, this test would fail without anything leaving for the real platform.
  it('GIVEN a request to any host but this machine THEN it fails at once: test processes reach 127.0.0.1 only', async () => {
    const transport = new HttpTransport()
    try {
      const error = await transport
        .send({
          origin: 'https://qqbot-guard-check.invalid',
          path: '/gateway',
          method: 'GET',
          headers: {},
          timeoutMs: 5_000,
        })
        .catch((caught: unknown) => caught)
      expect(String((error as Error)?.message) + String((error as { cause?: Error })?.cause?.message)).toContain(
        'tests may reach 127.0.0.1 only',
      )
    } finally {
      await transport.close()
    }
  })
})
