import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import { startHealthServer, type HealthServer } from './health-server.js'

let platform: FakePlatform | undefined
let client: QQBotClient | undefined
let server: HealthServer | undefined

afterEach(async () => {
  await server?.close()
  await client?.stop()
  await platform?.close()
  server = client = platform = undefined
})

async function setUp(checks?: Record<string, () => boolean | Promise<boolean>>) {
  platform = await startFakePlatform()
  client = createClient({
    appId: platform.appId,
    secret: platform.secret,
    hosts: { api: platform.url },
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0 },
  })
  server = await startHealthServer(client, { port: 0, checks })
  return { client, server, platform }
}

describe('startHealthServer', () => {
  it('GIVEN a client not started yet THEN it is alive but not ready; once started THEN ready, with its shards listed', async () => {
    const { client, server } = await setUp()
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const before = await fetch(`${server.url}/readyz`)
    expect(before.status).toBe(503)
    expect(((await before.json()) as { checks: { running: boolean } }).checks.running).toBe(false)
    await client.start()
    const after = await fetch(`${server.url}/readyz`)
    expect(after.status).toBe(200)
    expect(await after.json()).toMatchObject({ ready: true, shards: [{ shardId: 0, status: 'ready' }] })
  })

  it('GIVEN a shard that lost its connection THEN readiness turns 503 until it is back', async () => {
    const { client, server, platform } = await setUp()
    await client.start()
    // Lost without a close frame: the client reconnects after its backoff (at least 500 ms), not at once as after
    // a planned close (4009 reconnected within a few ms on a loaded machine, before the first poll saw 503).
    platform.dropConnection(0)
    let sawNotReady = false
    for (let i = 0; i < 100 && !sawNotReady; i++) {
      sawNotReady = (await fetch(`${server.url}/readyz`)).status === 503
      if (!sawNotReady) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(sawNotReady).toBe(true)
    await platform.waitForReady(1, 5_000)
    await expect.poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 5_000 }).toBe(200)
  })

  it('GIVEN an extra check that fails or throws THEN readiness is 503 and names it', async () => {
    const { client, server } = await setUp({ redis: () => false, database: () => Promise.reject(new Error('down')) })
    await client.start()
    const response = await fetch(`${server.url}/readyz`)
    expect(response.status).toBe(503)
    expect(((await response.json()) as { checks: unknown }).checks).toMatchObject({
      running: true,
      shards: true,
      redis: false,
      database: false,
    })
  })

  it('GIVEN /metrics THEN Prometheus text; an unknown path 404 says which exist; a POST is refused', async () => {
    const { client, server } = await setUp()
    await client.start()
    const metrics = await fetch(`${server.url}/metrics`)
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/)
    expect(await metrics.text()).toMatch(/qqbot_gateway_identifies_total 1/)
    const missing = await fetch(`${server.url}/nope`)
    expect(missing.status).toBe(404)
    expect(await missing.text()).toMatch(/healthz/)
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405)
  })
})
