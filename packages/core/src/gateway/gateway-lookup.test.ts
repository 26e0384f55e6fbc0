import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import type { ClientOptions } from '../client/client-options.js'
import type { HostsOption } from '../config/hosts.js'
import { captureLogs } from '../logging/test-log-capture.js'

const platforms: FakePlatform[] = []
let client: QQBotClient | undefined
afterEach(async () => {
  await client?.stop()
  await Promise.all(platforms.splice(0).map((platform) => platform.close()))
  client = undefined
})

async function platform(): Promise<FakePlatform> {
  const started = await startFakePlatform({ heartbeatIntervalMs: 200 })
  platforms.push(started)
  return started
}

async function closedPort(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** A client whose log lines (info and up) are kept as parsed JSON. */
function clientWith(hosts: HostsOption, answering: FakePlatform, options: Partial<ClientOptions> = {}) {
  const { lines, destination: logDestination } = captureLogs()
  client = createClient({
    appId: answering.appId,
    secret: answering.secret,
    hosts,
    logLevel: 'info',
    logDestination,
    rest: { backoff: { baseMs: 5, maxMs: 20 } },
    gateway: { identifyIntervalMs: 0, backoff: { baseMs: 20, maxMs: 200 } },
    ...options,
  })
  return { client, lines }
}

const lookups = (p: FakePlatform, path: string) => p.calls.filter((call) => call.path === path)

describe('gateway URL lookup falls back to the other API domain', () => {
  it('GIVEN the API host refuses connections THEN GET /gateway is asked from fallbackApi at once, the shard connects there, and the log says which host answered', async () => {
    const backup = await platform()
    const primary = await closedPort()
    const { client, lines } = clientWith(
      { api: primary, tokenUrl: `${backup.url}/app/getAppAccessToken`, fallbackApi: backup.url },
      backup,
    )
    await client.start()
    expect(client.shards.map((shard) => shard.status)).toEqual(['ready'])
    expect(lookups(backup, '/gateway')).toHaveLength(1)
    expect(client.metrics().counters.rest_retries).toBeUndefined() // no backing off before the fallback
    expect(lines.find((line) => line.msg === 'API host failed, asking the fallback host')).toMatchObject({
      failed: primary,
      fallback: backup.url,
      route: 'GET /gateway',
    })
    expect(lines.find((line) => line.msg === 'answered by the fallback API host')).toMatchObject({
      host: backup.url,
      primary,
      route: 'GET /gateway',
    })
  })

  it('GIVEN the API host answers 500 to GET /gateway/bot THEN shards: auto gets its plan and gateway from the other platform', async () => {
    const [main, backup] = [await platform(), await platform()]
    main.failFor({ path: /^\/gateway/ }, { status: 500 })
    const { client } = clientWith(
      { api: main.url, tokenUrl: `${backup.url}/app/getAppAccessToken`, fallbackApi: backup.url },
      backup,
      { shards: 'auto' },
    )
    await client.start()
    expect(lookups(main, '/gateway/bot').map((call) => call.status)).toEqual([500])
    expect(lookups(backup, '/gateway/bot').map((call) => call.status)).toEqual([200])
    expect(backup.gatewayStats.identifies).toBe(1)
    expect(main.gatewayStats.identifies).toBe(0)
  })

  it('GIVEN both domains fail THEN each round asks the primary and then the fallback before backing off, then gives up with the last answer', async () => {
    const [main, backup] = [await platform(), await platform()]
    main.failFor({ path: '/gateway' }, { status: 500 })
    backup.failFor({ path: '/gateway' }, { status: 502 })
    const { client } = clientWith(
      { api: main.url, tokenUrl: `${main.url}/app/getAppAccessToken`, fallbackApi: backup.url },
      main,
      { rest: { retries: 1, backoff: { baseMs: 5, maxMs: 20 } } },
    )
    await expect(client.api.getGateway()).rejects.toMatchObject({ code: 'API_ERROR', status: 502 })
    const order = [
      ...lookups(main, '/gateway').map((call) => ({ host: 'main', at: call.at })),
      ...lookups(backup, '/gateway').map((call) => ({ host: 'backup', at: call.at })),
    ]
    expect(order.sort((a, b) => a.at - b.at).map((entry) => entry.host)).toEqual(['main', 'backup', 'main', 'backup'])
    expect(client.metrics().counters.rest_retries).toEqual({ 'route="GET /gateway"': 1 })
  })

  it('GIVEN the primary answers a client error (404) THEN the fallback is not asked: the request is wrong, not the host', async () => {
    const [main, backup] = [await platform(), await platform()]
    main.failNext({ path: '/gateway' }, { status: 404 })
    const { client } = clientWith({ api: main.url, fallbackApi: backup.url }, main)
    await expect(client.api.getGateway()).rejects.toMatchObject({ status: 404 })
    expect(lookups(backup, '/gateway')).toHaveLength(0)
  })

  it('GIVEN other calls THEN they never go to the fallback host', async () => {
    const [main, backup] = [await platform(), await platform()]
    main.failFor({ path: '/users/@me' }, { status: 500 })
    const { client } = clientWith({ api: main.url, fallbackApi: backup.url }, main, { rest: { retries: 0 } })
    await expect(client.api.getMe()).rejects.toMatchObject({ status: 500 })
    expect(backup.calls).toHaveLength(0)
  })
})

describe('start() against a platform it cannot reach', () => {
  it('GIVEN every host refusing connections THEN start() rejects within startUnreachableMs with one error naming the host and what to check, after one warning', async () => {
    const answering = await platform()
    const down = await closedPort()
    const { client, lines } = clientWith({ api: down, tokenUrl: `${down}/app/getAppAccessToken` }, answering, {
      gateway: { identifyIntervalMs: 0, backoff: { baseMs: 20, maxMs: 50 }, startUnreachableMs: 300 },
    })
    const error = await client.start().then(
      () => undefined,
      (rejection: unknown) => rejection as { code: string; message: string },
    )
    expect(error?.code).toBe('GATEWAY_FATAL')
    expect(error?.message).toContain(`could not reach the QQ platform`)
    expect(error?.message).toContain(`${down}/app/getAppAccessToken`)
    expect(error?.message).toContain('check the hosts option')
    expect(lines.filter((line) => line.msg === 'could not get the gateway URL')).toHaveLength(1)
    expect(client.shards.map((shard) => shard.status)).toEqual(['failed'])
  })
})
