import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from './index.js'

let platform: FakePlatform | undefined
afterEach(async () => {
  await platform?.close()
  platform = undefined
})

async function start(options?: FakePlatformOptions) {
  platform = await startFakePlatform(options)
  const { url, appId } = platform
  const token = platform.issueToken().access_token
  return async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { Authorization: `QQBot ${token}`, 'X-Union-Appid': appId }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> | undefined }
  }
}

const item = { name: '/roll', desc: 'Roll', type: 'command' }

describe('/v2/panels on the fake platform', () => {
  it.each([
    ['an unknown scope', { scope: 'guild', panel: { items: [item] } }, 40030011],
    ['no panel', { scope: 'group' }, 40030016],
    ['a specific channel panel', { scope: 'channel', target_type: 'specific', panel: { items: [] } }, 40030012],
    ['21 items', { scope: 'group', panel: { items: Array.from({ length: 21 }, () => item) } }, 40030013],
    ['an item of type button', { scope: 'group', panel: { items: [{ ...item, type: 'button' }] } }, 40030015],
    ['a name of 15 columns', { scope: 'group', panel: { items: [{ ...item, name: '/掷骰子掷骰子掷' }] } }, 40011000],
  ])('refuses %s with the platform code', async (_what, body, code) => {
    const api = await start()
    const answer = await api('POST', '/v2/panels', body)
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ code })
    expect(platform!.panels.size).toBe(0)
  })

  it('GIVEN panelErrorCodes short THEN the same refusal carries the short code', async () => {
    const api = await start({ panelErrorCodes: 'short' })
    expect((await api('POST', '/v2/panels', { scope: 'guild', panel: {} })).body).toMatchObject({ code: 30011 })
  })

  it('GIVEN 20 panels THEN the 21st is refused (30013); GIVEN 10 writes in a minute THEN the 11th gets 429', async () => {
    let now = 0
    const api = await start({ now: () => now })
    for (let i = 0; i < 10; i++) expect((await api('POST', '/v2/panels', { scope: 'c2c', panel: {} })).status).toBe(200)
    expect((await api('POST', '/v2/panels', { scope: 'c2c', panel: {} })).status).toBe(429)
    now += 60_000
    for (let i = 0; i < 10; i++) expect((await api('POST', '/v2/panels', { scope: 'dm', panel: {} })).status).toBe(200)
    now += 60_000
    expect((await api('POST', '/v2/panels', { scope: 'group', panel: {} })).body).toMatchObject({ code: 40030013 })
    expect(platform!.panels.size).toBe(20)
  })

  it('updates bump the version; targets cannot be added to a global panel', async () => {
    const api = await start()
    const created = await api('POST', '/v2/panels', { scope: 'group', panel: { items: [item] } })
    const panelId = created.body!.panel_id as string
    expect((await api('PUT', `/v2/panels/${panelId}`, { panel: { items: [] } })).body).toEqual({ version: 2 })
    expect((await api('GET', `/v2/panels/${panelId}`)).body).toMatchObject({ version: 2, panel: { items: [] } })
    const target = await api('PUT', `/v2/panels/${panelId}/target`, { op: 'add', group_openids: ['g'] })
    expect(target.body).toMatchObject({ code: 40030021 })
  })
})
