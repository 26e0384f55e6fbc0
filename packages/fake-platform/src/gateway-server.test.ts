import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform, type FakePlatformOptions } from './index.js'
import { TestGatewayClient, type ReceivedPayload } from './test-gateway-client.js'

let platform: FakePlatform | undefined
const clients: TestGatewayClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate()
  await platform?.close()
  platform = undefined
})

async function start(options?: FakePlatformOptions): Promise<{ p: FakePlatform; token: string }> {
  platform = await startFakePlatform({ heartbeatIntervalMs: 200, ...options })
  return { p: platform, token: platform.issueToken().access_token }
}

async function connect(p: FakePlatform): Promise<TestGatewayClient> {
  const client = await TestGatewayClient.connect(p.gatewayUrl)
  clients.push(client)
  expect(await client.next()).toEqual({ op: 10, d: { heartbeat_interval: p === platform ? 200 : expect.any(Number) } })
  return client
}

/** Connects and identifies; resolves with the client and READY. */
async function identified(
  p: FakePlatform,
  token: string,
): Promise<{ client: TestGatewayClient; ready: ReceivedPayload }> {
  const client = await connect(p)
  client.identify(token)
  const ready = await client.next()
  return { client, ready }
}

const isDispatch = (t: string) => (m: ReceivedPayload) => m.op === 0 && m.t === t

describe('gateway: identify, heartbeat, resume', () => {
  it('answers identify with READY at seq 1 and acks heartbeats with a bare op 11', async () => {
    const { p, token } = await start()
    const client = await connect(p)
    client.send({ op: 1, d: null }) // heartbeat before identify is fine
    expect(await client.next()).toEqual({ op: 11 })
    client.identify(token)
    const ready = await client.next()
    expect(ready).toMatchObject({
      op: 0,
      t: 'READY',
      s: 1,
      id: expect.any(String),
      d: { version: 1, session_id: expect.any(String), user: { ...p.botUser, bot: true }, shard: [0, 1] },
    })
    client.send({ op: 1, d: 1 })
    expect(await client.next()).toEqual({ op: 11 })
    expect(p.shardState(0)).toEqual({
      sessionId: (ready.d as { session_id: string }).session_id,
      lastSeq: 1,
      connected: true,
      lastHeartbeat: 1,
    })
    expect(p.gatewayStats).toMatchObject({ connections: 1, identifies: 1, heartbeats: 2, closesSent: [] })
    expect(p.sessionStartLimit.remaining).toBe(999)
    await p.waitForReady(1)

    p.setHeartbeatAck(false)
    client.send({ op: 1, d: 1 })
    await p.waitForGateway((s) => s.heartbeats === 3)
    p.dispatch('MARKER', {})
    expect(await client.next()).toMatchObject({ t: 'MARKER', s: 2 }) // no ack in between
  })

  it('replays exactly the events after the resume seq, then RESUMED without s', async () => {
    const { p, token } = await start()
    const { client, ready } = await identified(p, token)
    const sessionId = (ready.d as { session_id: string }).session_id
    p.dispatch('E1', { n: 1 })
    expect(await client.next()).toMatchObject({ t: 'E1', s: 2 })
    p.dispatch('E2', { n: 2 })
    expect(await client.next()).toMatchObject({ t: 'E2', s: 3 })
    await client.close(4000)
    await p.waitForGateway(() => !p.shardState(0).connected)
    p.dispatch('E3', { n: 3 })
    p.dispatch('E4', { n: 4 }, { id: 'custom-id' })

    const again = await connect(p)
    again.resume(token, sessionId, 2) // pretend E2 was never read
    const replayed = [await again.next(), await again.next(), await again.next(), await again.next()]
    expect(replayed).toEqual([
      { op: 0, s: 3, t: 'E2', id: expect.stringMatching(/^E2:/), d: { n: 2 } },
      { op: 0, s: 4, t: 'E3', id: expect.stringMatching(/^E3:/), d: { n: 3 } },
      { op: 0, s: 5, t: 'E4', id: 'custom-id', d: { n: 4 } },
      { op: 0, t: 'RESUMED', d: '' },
    ])
    p.dispatch('E5', {})
    expect(await again.next()).toMatchObject({ t: 'E5', s: 6 })
    expect(p.gatewayStats.resumes).toBe(1)
    expect(p.shardState(0)).toMatchObject({ sessionId, lastSeq: 6, connected: true })
  })

  it('invalidates the session on close 4006 so a resume is refused with 4006', async () => {
    const { p, token } = await start()
    const { client, ready } = await identified(p, token)
    const sessionId = (ready.d as { session_id: string }).session_id
    expect(p.closeConnection(0, 4006, 'session invalid')).toBe(true)
    expect(await client.closed).toEqual({ code: 4006, reason: 'session invalid' })
    expect(p.shardState(0).sessionId).toBeUndefined()

    const again = await connect(p)
    again.resume(token, sessionId, 1)
    expect((await again.closed).code).toBe(4006)
    expect(p.gatewayStats.closesSent).toEqual([4006, 4006])
  })

  it('keeps the session resumable across a 4009 close', async () => {
    const { p, token } = await start({ reconnectCloseDelayMs: 50 })
    const { client, ready } = await identified(p, token)
    const sessionId = (ready.d as { session_id: string }).session_id
    p.requestReconnect(0)
    expect(await client.next()).toEqual({ op: 7 })
    expect((await client.closed).code).toBe(4009)
    const again = await connect(p)
    again.resume(token, sessionId, 1)
    expect(await again.next()).toEqual({ op: 0, t: 'RESUMED', d: '' })
  })

  it('closes with 4004 on a bad token for identify and resume, and 4007 on a future seq', async () => {
    const { p, token } = await start()
    const a = await connect(p)
    a.identify('not-a-token')
    expect((await a.closed).code).toBe(4004)
    const b = await connect(p)
    b.send({ op: 2, d: { token, intents: 1, shard: [0, 1] } }) // missing the QQBot prefix
    expect((await b.closed).code).toBe(4004)

    const { ready } = await identified(p, token)
    const sessionId = (ready.d as { session_id: string }).session_id
    const c = await connect(p)
    c.resume('bogus', sessionId, 1)
    expect((await c.closed).code).toBe(4004)
    const d = await connect(p)
    d.resume(token, sessionId, 99)
    expect((await d.closed).code).toBe(4007)
  })

  it('rejects malformed payloads, unknown opcodes, bad shards and unpermitted intents', async () => {
    const { p, token } = await start({ allowedIntents: (1 << 30) | (1 << 25) })
    const cases: Array<[unknown, number]> = [
      ['{not json', 4002],
      [{ op: 42 }, 4001],
      [{ op: 2, d: { token: `QQBot ${token}`, intents: 1 << 30, shard: [1, 1] } }, 4010],
      [{ op: 2, d: { token: `QQBot ${token}`, intents: 1 << 30, shard: 'x' } }, 4010],
      [{ op: 2, d: { token: `QQBot ${token}`, intents: (1 << 30) | (1 << 12), shard: [0, 1] } }, 4014],
    ]
    for (const [payload, code] of cases) {
      const client = await connect(p)
      client.send(payload)
      expect((await client.closed).code).toBe(code)
    }
    expect(p.gatewayStats.identifies).toBe(0)
  })
})

describe('gateway: dispatch delivery', () => {
  it('carries undelivered events over to a new session after a clean close, but not delivered ones', async () => {
    const { p, token } = await start()
    const first = await identified(p, token)
    p.dispatch('DELIVERED', {})
    expect(await first.client.next()).toMatchObject({ t: 'DELIVERED', s: 2 })
    await first.client.close(1000)
    await p.waitForGateway(() => !p.shardState(0).connected)
    p.dispatch('AFTER_CLOSE_1', { n: 1 })
    p.dispatch('AFTER_CLOSE_2', { n: 2 })

    const second = await identified(p, token)
    expect(second.ready).toMatchObject({ t: 'READY', s: 1 })
    expect(second.ready.d).not.toEqual(first.ready.d)
    expect(await second.client.next()).toMatchObject({ t: 'AFTER_CLOSE_1', s: 2, d: { n: 1 } })
    expect(await second.client.next()).toMatchObject({ t: 'AFTER_CLOSE_2', s: 3, d: { n: 2 } })
    p.dispatch('LIVE', {})
    expect(await second.client.next()).toMatchObject({ t: 'LIVE', s: 4 })
  })

  it('loses events handed to a dropped socket on re-identify; queues events until the first READY', async () => {
    const { p, token } = await start()
    expect(p.dispatch('EARLY', { n: 0 }).seq).toBeUndefined()
    const first = await identified(p, token)
    expect(await first.client.next()).toMatchObject({ t: 'EARLY', s: 2 })
    p.dispatch('HANDED', {})
    p.dropConnection(0)
    await first.client.closed
    await p.waitForGateway(() => !p.shardState(0).connected)
    p.dispatch('QUEUED', {})
    const second = await identified(p, token)
    expect(await second.client.next()).toMatchObject({ t: 'QUEUED', s: 2 })
  })

  it('keeps the socket open after op 9 and accepts a new identify on it', async () => {
    const { p, token } = await start()
    const { client } = await identified(p, token)
    p.invalidateSession(0)
    expect(await client.next()).toEqual({ op: 9, d: false })
    p.dispatch('WHILE_INVALID', {})
    client.identify(token)
    expect(await client.next()).toMatchObject({ t: 'READY', s: 1 })
    expect(await client.next()).toMatchObject({ t: 'WHILE_INVALID', s: 2 })
    expect(p.gatewayStats.identifies).toBe(2)
  })

  it('delivers a 5,000-event burst in order with consecutive seqs', async () => {
    const { p, token } = await start()
    const { client } = await identified(p, token)
    const results = await p.dispatchBurst(5000, (i) => ({ t: 'C2C_MESSAGE_CREATE', d: { i, pad: 'x'.repeat(200) } }))
    expect(results).toHaveLength(5000)
    const events: ReceivedPayload[] = []
    while (events.length < 5000) events.push(await client.next(isDispatch('C2C_MESSAGE_CREATE')))
    expect(events.map((e) => e.s)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 2))
    expect(events.map((e) => (e.d as { i: number }).i)).toEqual(Array.from({ length: 5000 }, (_, i) => i))
    expect(new Set(events.map((e) => e.id)).size).toBe(5000)
    expect(p.shardState(0).lastSeq).toBe(5001)
  })

  it('holds a burst back while the client is not reading, then delivers all of it', async () => {
    const { p, token } = await start()
    const { client } = await identified(p, token)
    client.ws.pause()
    const pad = 'x'.repeat(1024)
    let finished = false
    const burst = p
      .dispatchBurst(20_000, (i) => ({ t: 'BULK', d: { i, pad } }))
      .then(() => {
        finished = true
      })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(finished).toBe(false)
    expect(p.shardState(0).lastSeq).toBeLessThan(15_000) // the burst is waiting, not buffering everything
    client.ws.resume()
    await burst
    let last: ReceivedPayload | undefined
    for (let n = 0; n < 20_000; n++) last = await client.next(isDispatch('BULK'))
    expect(last).toMatchObject({ s: 20_001, d: { i: 19_999 } })
  })

  it('stops handing events to a socket above ~4 MiB buffered, and catches up once the client reads', async () => {
    const { p, token } = await start()
    const { client } = await identified(p, token)
    client.ws.pause()
    const pad = 'x'.repeat(1024)
    for (let i = 0; i < 20_000; i++) p.dispatch('BULK', { i, pad })
    const backlog = p.socketBacklog(0)
    expect(backlog.bufferedBytes).toBeLessThanOrEqual(4 * 1024 * 1024 + 2048)
    expect(backlog.unsentEvents).toBeGreaterThan(0)
    client.ws.resume()
    let last: ReceivedPayload | undefined
    for (let n = 0; n < 20_000; n++) last = await client.next(isDispatch('BULK'))
    expect(last).toMatchObject({ s: 20_001, d: { i: 19_999 } })
    expect(p.socketBacklog(0)).toEqual({ bufferedBytes: 0, unsentEvents: 0 })
  })

  it('routes by shard and forwards raw frames; RST resets the TCP connection', async () => {
    const { p, token } = await start()
    const shard0 = await connect(p)
    shard0.identify(token, [0, 2])
    const shard1 = await connect(p)
    shard1.identify(token, [1, 2])
    await p.waitForReady(2)
    expect(await shard0.next()).toMatchObject({ t: 'READY', d: { shard: [0, 2] } })
    expect(await shard1.next()).toMatchObject({ t: 'READY', d: { shard: [1, 2] } })
    p.dispatch('TO_ONE', {}, { shard: 1 })
    expect(await shard1.next()).toMatchObject({ t: 'TO_ONE', s: 2 })
    p.sendRaw(0, '{"op":0,"t":"RAW","d":{}}')
    expect(await shard0.next()).toEqual({ op: 0, t: 'RAW', d: {} })
    p.resetConnection(1)
    expect((await shard1.closed).code).toBe(1006)
    expect(p.shardState(1).connected).toBe(false)
  })
})
