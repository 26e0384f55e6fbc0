import { afterEach, describe, expect, it } from 'vitest'
import { resolveHosts } from '../packages/core/src/config/hosts.js'
import { HttpTransport } from '../packages/core/src/http/http-transport.js'

// Every test process loads test/support/loopback-only.ts (vitest setupFiles). These check that it holds for the
// real QQ hosts the production defaults name, through the client's own HTTP transport and through fetch.
let transport: HttpTransport | undefined
afterEach(async () => {
  await transport?.close()
  transport = undefined
})

describe('tests cannot reach a real QQ host', () => {
  const production = resolveHosts(undefined)
  const origins = [production.api, production.fallbackApi, new URL(production.tokenUrl).origin]
  for (const origin of origins.filter((o): o is string => o !== undefined)) {
    it(`GIVEN the production host ${origin} THEN the client's transport fails with TEST_OUTSIDE_NETWORK`, async () => {
      transport = new HttpTransport({ connections: 1 })
      const error = await transport
        .send({ origin, path: '/gateway', method: 'GET', headers: {}, timeoutMs: 2_000 })
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'TEST_OUTSIDE_NETWORK' })
    })
  }

  it('GIVEN fetch to the production API host THEN it fails with TEST_OUTSIDE_NETWORK', async () => {
    const error = await fetch(`${production.api}/gateway`).catch((e: unknown) => e)
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('TEST_OUTSIDE_NETWORK')
  })
})
