import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from './index.js'

let platform: FakePlatform | undefined

afterEach(async () => {
  await platform?.close()
  platform = undefined
})

async function start(options?: FakePlatformOptions): Promise<FakePlatform> {
  platform = await startFakePlatform(options)
  return platform
}

async function requestToken(
  p: FakePlatform,
  clientSecret = p.secret,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${p.url}/app/getAppAccessToken`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ appId: p.appId, clientSecret }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function getMe(p: FakePlatform, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${p.url}/users/@me`, {
    headers: { Authorization: `QQBot ${token}`, 'X-Union-Appid': p.appId },
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('token endpoint', () => {
  it('returns the same token with the remaining lifetime until the last 60 s, then a new one', async () => {
    let now = 1_700_000_000_000
    const p = await start({ now: () => now })

    const first = await requestToken(p)
    expect(first.status).toBe(200)
    expect(first.body.expires_in).toBe('7200')
    expect(typeof first.body.access_token).toBe('string')
    const tokenA = first.body.access_token as string

    now += 1000 * 1000
    const second = await requestToken(p)
    expect(second.body).toEqual({ access_token: tokenA, expires_in: '6200' })

    now += (6200 - 61) * 1000 // 61 s left: still outside the window
    expect((await requestToken(p)).body).toEqual({ access_token: tokenA, expires_in: '61' })

    now += 1000 // exactly 60 s left: inside the window, a new token
    const third = await requestToken(p)
    expect(third.body.expires_in).toBe('7200')
    const tokenB = third.body.access_token as string
    expect(tokenB).not.toBe(tokenA)
    expect(p.currentToken).toBe(tokenB)

    // The old token stays valid until its own expiry ...
    expect((await getMe(p, tokenA)).status).toBe(200)
    now += 60 * 1000
    // ... and not a moment longer.
    const expired = await getMe(p, tokenA)
    expect(expired.status).toBe(401)
    expect(expired.body.code).toBe(11244)
    expect((await getMe(p, tokenB)).status).toBe(200)
    expect(p.tokenRequests).toBe(4)
  })

  it('rejects a wrong secret with 401 / 100016', async () => {
    const p = await start()
    const res = await requestToken(p, 'wrong-secret')
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ code: 100016, message: 'invalid appid or secret' })
    expect(p.currentToken).toBeUndefined()
    expect(p.tokenRequests).toBe(1)
    expect(p.calls[0]).toMatchObject({ method: 'POST', path: '/app/getAppAccessToken', status: 401 })
  })

  it('answers 401 / 11244 after expireAllTokens and issues a fresh token afterwards', async () => {
    const p = await start()
    const token = (await requestToken(p)).body.access_token as string
    expect((await getMe(p, token)).body).toEqual({ id: p.botUser.id, username: p.botUser.username })

    p.expireAllTokens()
    const res = await getMe(p, token)
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ code: 11244, err_code: 11244, message: 'token not exist or expire' })

    const fresh = (await requestToken(p)).body.access_token as string
    expect(fresh).not.toBe(token)
    expect((await getMe(p, fresh)).status).toBe(200)
  })

  it('answers 401 / 11241 without a token and puts the trace id in header and body', async () => {
    const p = await start()
    const res = await fetch(`${p.url}/users/@me`)
    const body = (await res.json()) as Record<string, unknown>
    expect(res.status).toBe(401)
    expect(body.code).toBe(11241)
    const trace = res.headers.get('x-tps-trace-id')
    expect(trace).toMatch(/^[0-9a-f]{32}$/)
    expect(body.trace_id).toBe(trace)
  })
})
