import { request as httpRequest, Agent } from 'node:http'
import { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from './index.js'

let platform: FakePlatform | undefined

afterEach(async () => {
  await platform?.close()
  platform = undefined
})

async function start(options?: FakePlatformOptions): Promise<{ p: FakePlatform; api: Api }> {
  platform = await startFakePlatform(options)
  const p = platform
  const token = p.issueToken().access_token
  return { p, api: makeApi(p.url, token, p.appId) }
}

type Api = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown; text: string; headers: Headers }>

function makeApi(base: string, token: string, appId: string): Api {
  return async (method, path, body) => {
    const headers: Record<string, string> = { Authorization: `QQBot ${token}`, 'X-Union-Appid': appId }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const init: RequestInit = { method, headers }
    if (body !== undefined) init.body = JSON.stringify(body)
    const res = await fetch(`${base}${path}`, init)
    const text = await res.text()
    return { status: res.status, text, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers }
  }
}

describe('REST routes', () => {
  it('dedupes v2 sends on (target, msg_id, msg_seq) with 40054005; a missing msg_seq counts as 1', async () => {
    const { p, api } = await start()
    const path = '/v2/groups/GROUP_A/messages'
    expect((await api('POST', path, { content: 'a', msg_type: 0, msg_id: 'm1', msg_seq: 1 })).status).toBe(200)
    const dup = await api('POST', path, { content: 'b', msg_type: 0, msg_id: 'm1', msg_seq: 1 })
    expect(dup.status).toBe(400)
    expect(dup.body).toMatchObject({ code: 40054005, err_code: 40054005, message: '消息被去重，请检查请求msgseq' })
    expect((await api('POST', path, { content: 'c', msg_type: 0, msg_id: 'm1', msg_seq: 2 })).status).toBe(200)
    // Same msg_id and seq but another target is fine.
    expect((await api('POST', '/v2/groups/GROUP_B/messages', { content: 'd', msg_id: 'm1', msg_seq: 1 })).status).toBe(
      200,
    )
    // No msg_seq is msg_seq 1.
    expect((await api('POST', '/v2/users/USER_A/messages', { content: 'e', msg_id: 'm2' })).status).toBe(200)
    expect((await api('POST', '/v2/users/USER_A/messages', { content: 'f', msg_id: 'm2', msg_seq: 1 })).status).toBe(
      400,
    )

    expect(p.sent.map((m) => [m.scene, m.target, m.body.content])).toEqual([
      ['group', 'GROUP_A', 'a'],
      ['group', 'GROUP_A', 'c'],
      ['group', 'GROUP_B', 'd'],
      ['c2c', 'USER_A', 'e'],
    ])
    expect(p.calls.map((c) => c.status)).toEqual([200, 400, 200, 200, 200, 400])
  })

  it('serves failNext faults to matching requests only, then real responses', async () => {
    const { p, api } = await start()
    p.failNext(
      { method: 'POST', path: /^\/channels\/[^/]+\/messages$/ },
      { status: 500, body: { code: 500, message: 'boom' } },
      2,
    )
    p.failNext({ path: '/gateway/bot' }, { status: 429, headers: { 'X-Custom': 'yes' } })

    expect((await api('GET', '/users/@me')).status).toBe(200)
    const first = await api('POST', '/channels/channel-1/messages', { content: 'hi' })
    expect(first).toMatchObject({ status: 500, body: { code: 500, message: 'boom' } })
    expect((await api('POST', '/channels/channel-1/messages', { content: 'hi' })).status).toBe(500)
    const ok = await api('POST', '/channels/channel-1/messages', { content: 'hi' })
    expect(ok.status).toBe(200)
    expect(ok.body).toEqual({ id: p.sent[0]?.id, timestamp: expect.any(String) })

    const limited = await api('GET', '/gateway/bot')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-custom')).toBe('yes')
    expect(limited.body).toMatchObject({ code: 429, trace_id: limited.headers.get('x-tps-trace-id') })
    expect((await api('GET', '/gateway/bot')).status).toBe(200)

    expect(p.sent).toHaveLength(1)
    expect(p.calls.filter((c) => c.injected).map((c) => [c.path, c.status])).toEqual([
      ['/channels/channel-1/messages', 500],
      ['/channels/channel-1/messages', 500],
      ['/gateway/bot', 429],
    ])
  })

  it('enforces a per-message reply budget (default C2C 4, group 5) with 400/22009, per msg_id or event_id', async () => {
    const { p, api } = await start()
    const send = (path: string, ref: Record<string, string>, seq: number) =>
      api('POST', path, { content: `r${seq}`, msg_type: 0, ...ref, msg_seq: seq })
    for (let seq = 1; seq <= 4; seq++)
      expect((await send('/v2/users/U1/messages', { msg_id: 'c' }, seq)).status).toBe(200)
    const over = await send('/v2/users/U1/messages', { msg_id: 'c' }, 5)
    expect(over.status).toBe(400)
    expect(over.body).toMatchObject({ code: 22009, message: 'msg limit exceed' })
    for (let seq = 1; seq <= 5; seq++)
      expect((await send('/v2/groups/G1/messages', { event_id: 'e' }, seq)).status).toBe(200)
    expect((await send('/v2/groups/G1/messages', { event_id: 'e' }, 6)).body).toMatchObject({ code: 22009 })
    // a refused reply neither lands nor uses up its msg_seq; another message has its own budget
    expect((await send('/v2/users/U1/messages', { msg_id: 'other' }, 1)).status).toBe(200)
    expect(p.sent).toHaveLength(10)
  })

  it('takes replyBudget as an option (the docs reading: C2C 5)', async () => {
    const { api } = await start({ replyBudget: { c2c: 5 } })
    for (let seq = 1; seq <= 5; seq++)
      expect((await api('POST', '/v2/users/U1/messages', { content: 'x', msg_id: 'c', msg_seq: seq })).status).toBe(200)
    expect((await api('POST', '/v2/users/U1/messages', { content: 'x', msg_id: 'c', msg_seq: 6 })).status).toBe(400)
  })

  it('failFor answers every n-th matching request during an episode on the platform clock, then stops', async () => {
    const clock = { now: 1_000_000 }
    const { p, api } = await start({ now: () => clock.now })
    const storm = p.failFor(
      { path: /\/messages$/ },
      { status: 429, headers: { 'Retry-After': '2' } },
      { every: 3, durationMs: 60_000 },
    )
    const statuses: number[] = []
    for (let i = 1; i <= 9; i++) statuses.push((await api('POST', '/channels/C1/messages', { content: `${i}` })).status)
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429, 200, 200, 429])
    expect((await api('GET', '/users/@me')).status).toBe(200) // does not match
    expect(p.calls.find((call) => call.status === 429)).toMatchObject({ injected: true })
    expect({ matched: storm.matched, injected: storm.injected, active: storm.active }).toEqual({
      matched: 9,
      injected: 3,
      active: true,
    })
    clock.now += 60_000
    expect(storm.active).toBe(false)
    for (let i = 0; i < 3; i++)
      expect((await api('POST', '/channels/C1/messages', { content: 'after' })).status).toBe(200)
    expect(storm.matched).toBe(9)
  })

  it('failFor with a fraction draws from a seeded generator: the same seed gives the same pattern; stop() ends it', async () => {
    const pattern = async (seed: number) => {
      const { p, api } = await start()
      const storm = p.failFor({ method: 'POST' }, { status: 429 }, { fraction: 1 / 3, seed })
      const statuses: number[] = []
      for (let i = 0; i < 60; i++) statuses.push((await api('POST', '/channels/C1/messages', { content: 'x' })).status)
      storm.stop()
      expect((await api('POST', '/channels/C1/messages', { content: 'y' })).status).toBe(200)
      await p.close()
      return { statuses, injected: storm.injected }
    }
    const first = await pattern(7)
    expect(await pattern(7)).toEqual(first)
    expect(first.injected).toBeGreaterThan(10)
    expect(first.injected).toBeLessThan(30)
    expect((await pattern(8)).statuses).not.toEqual(first.statuses)
  })

  it('failFor with perSecond lets each path have that many requests a second and faults the rest, on the platform clock', async () => {
    const clock = { now: 5_000_000 }
    const { api } = await start({ now: () => clock.now })
    const send = async (path: string) => (await api('POST', path, { content: 'x' })).status
    platform!.failFor({ path: /\/messages$/ }, { status: 429 }, { perSecond: 2 })
    expect([
      await send('/channels/A/messages'),
      await send('/channels/A/messages'),
      await send('/channels/A/messages'),
    ]).toEqual([200, 200, 429])
    expect(await send('/channels/B/messages')).toBe(200) // another path has its own allowance
    clock.now += 999
    expect(await send('/channels/A/messages')).toBe(429) // rejected requests do not use the allowance, but the window has not moved on
    clock.now += 1
    expect([
      await send('/channels/A/messages'),
      await send('/channels/A/messages'),
      await send('/channels/A/messages'),
    ]).toEqual([200, 200, 429])
  })

  it('holdForAudit answers the next matching send 202 with code 304024 and an audit id, and records nothing as sent', async () => {
    const { p, api } = await start()
    const auditId = p.holdForAudit({ path: '/v2/groups/G1/messages' })
    const held = await api('POST', '/v2/groups/G1/messages', { content: 'x', msg_id: 'm', msg_seq: 1 })
    expect(held.status).toBe(202)
    expect(held.body).toEqual({
      code: 304024,
      message: 'push message is waiting for audit',
      data: { message_audit: { audit_id: auditId } },
    })
    expect(p.sent).toHaveLength(0)
    expect((await api('POST', '/v2/groups/G1/messages', { content: 'x', msg_id: 'm', msg_seq: 1 })).status).toBe(200)
  })

  it('records calls with headers, union app id, query and parsed body, live and in order', async () => {
    const { p, api } = await start()
    const seen: string[] = []
    const off = p.onRequest((call) => seen.push(`${call.method} ${call.path}`))
    await api('GET', '/guilds/guild-1/members?limit=2')
    await api('POST', '/users/@me/dms', { recipient_id: 'u1', source_guild_id: 'guild-1' })
    off()
    await api('GET', '/users/@me')
    expect(seen).toEqual(['GET /guilds/guild-1/members', 'POST /users/@me/dms'])
    const [members, dms] = p.calls
    expect(members).toMatchObject({ query: { limit: '2' }, unionAppId: p.appId, status: 200, injected: false })
    expect(members?.headers.authorization).toMatch(/^QQBot /)
    expect(dms?.body).toEqual({ recipient_id: 'u1', source_guild_id: 'guild-1' })
    p.clearRecords()
    expect(p.calls).toHaveLength(0)
  })

  it('serves the directory, gateway info, DMs, files, recalls and interaction acks', async () => {
    const { p, api } = await start({ recommendedShards: 2 })
    expect((await api('GET', '/gateway')).body).toEqual({ url: p.gatewayUrl })
    expect((await api('GET', '/gateway/bot')).body).toEqual({
      url: p.gatewayUrl,
      shards: 2,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
    })
    expect(p.gatewayUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/websocket$/)
    expect((await api('GET', '/users/@me/guilds')).body).toMatchObject([{ id: 'guild-1' }])
    expect((await api('GET', '/guilds/guild-1/channels')).body).toMatchObject([
      { id: 'channel-1' },
      { id: 'channel-2' },
    ])
    expect((await api('GET', '/channels/channel-2')).body).toMatchObject({ id: 'channel-2', guild_id: 'guild-1' })
    expect((await api('GET', '/guilds/guild-1/roles')).body).toMatchObject({
      guild_id: 'guild-1',
      roles: expect.any(Array),
    })
    expect((await api('GET', `/guilds/guild-1/members/${p.botUser.id}`)).body).toMatchObject({ user: { bot: true } })
    const missing = await api('GET', '/guilds/nope')
    expect(missing).toMatchObject({ status: 404, body: { code: 11281, message: 'guild not found' } })
    expect((await api('GET', '/nothing/here')).status).toBe(404)

    const dm = (await api('POST', '/users/@me/dms', { recipient_id: 'u9', source_guild_id: 'guild-1' })).body as Record<
      string,
      string
    >
    expect(dm.guild_id).toMatch(/^dms-/)
    expect((await api('POST', `/dms/${dm.guild_id}/messages`, { content: 'psst' })).status).toBe(200)

    const file = await api('POST', '/v2/groups/G1/files', {
      file_type: 1,
      url: 'https://example.invalid/a.png',
      srv_send_msg: false,
    })
    expect(file.body).toEqual({ file_uuid: expect.any(String), file_info: expect.any(String), ttl: 0 })

    const sent = (await api('POST', '/channels/channel-1/messages', { content: 'stored' })).body as { id: string }
    const fetched = await api('GET', `/channels/channel-1/messages/${sent.id}`)
    expect(fetched.body).toMatchObject({ message: { id: sent.id, content: 'stored', channel_id: 'channel-1' } })
    const recalled = await api('DELETE', `/channels/channel-1/messages/${sent.id}`)
    expect(recalled).toMatchObject({ status: 200, text: '' })
    expect((await api('GET', `/channels/channel-1/messages/${sent.id}`)).status).toBe(404)

    p.dispatch('INTERACTION_CREATE', { id: 'INTERACTION_1', type: 11, chat_type: 2, user_openid: 'u1' })
    const ack = await api('PUT', '/interactions/INTERACTION_1', { code: 0 })
    expect(ack).toMatchObject({ status: 204, text: '' })
    expect(p.sent.map((m) => m.scene)).toEqual(['dm', 'guild'])
    await expect(p.waitForSent(2, 100)).resolves.toHaveLength(2)
    await expect(p.waitForSent(3, 50)).rejects.toThrow(/timed out/)
  })

  it('counts REST connections and applies latency', async () => {
    const { p } = await start({ restLatencyMs: 80 })
    const token = p.issueToken().access_token
    const agent = new Agent({ keepAlive: true, maxSockets: 2 })
    const get = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          `${p.url}/users/@me`,
          { agent, headers: { Authorization: `QQBot ${token}` } },
          (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode ?? 0))
          },
        )
        req.on('error', reject)
        req.end()
      })
    const started = Date.now()
    expect(await Promise.all([get(), get(), get(), get()])).toEqual([200, 200, 200, 200])
    expect(Date.now() - started).toBeGreaterThanOrEqual(150) // two rounds of 80 ms on two sockets
    expect(p.httpConnections).toEqual({ current: 2, peak: 2, total: 2 })
    p.resetConnectionStats()
    expect(p.httpConnections).toEqual({ current: 2, peak: 2, total: 0 })
    agent.destroy()
  })

  it('close() finishes quickly with open keep-alive and half-open connections', async () => {
    const { p, api } = await start()
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 })
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${p.url}/gateway`, { agent }, (res) => {
        res.resume()
        res.on('end', () => resolve())
      })
      req.on('error', reject)
      req.end()
    })
    await api('GET', '/users/@me') // undici keeps this one alive too
    const raw = new Socket()
    await new Promise<void>((resolve) => raw.connect(Number(new URL(p.url).port), '127.0.0.1', resolve))
    raw.write('GET /users/@me HTTP/1.1\r\nHost: x\r\n') // headers never finished
    raw.on('error', () => {})
    expect(p.httpConnections.current).toBeGreaterThanOrEqual(2)

    const started = Date.now()
    await p.close()
    expect(Date.now() - started).toBeLessThan(500)
    platform = undefined
    agent.destroy()
  })
})
