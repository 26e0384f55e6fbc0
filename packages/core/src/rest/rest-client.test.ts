import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SEEDED_GUILD_ID, SEEDED_USER_IDS, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { AccessTokenManager } from '../auth/access-token-manager.js'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import { ApiError, NetworkError } from './api-error.js'
import { HttpTransport } from '../http/http-transport.js'
import { OpenApi } from './open-api.js'
import { PLATFORM_CODE_HINTS } from './platform-codes.js'
import { RestClient, type RestHook, type RestRequest } from './rest-client.js'

const logger = createLogger({ level: 'silent' })
const GROUP_ROUTE = 'POST /v2/groups/{group_openid}/messages'
let platform: FakePlatform | undefined
let transport: HttpTransport | undefined
let tokens: AccessTokenManager | undefined
let client: QQBotClient | undefined
afterEach(async () => {
  tokens?.stop()
  await client?.stop()
  await transport?.close()
  await platform?.close()
  transport = platform = tokens = client = undefined
})

/** A real RestClient + OpenApi over AccessTokenManager and HttpTransport, against the fake platform. */
async function setup(options: { connections?: number; baseUrl?: string; retries?: number } = {}) {
  platform = await startFakePlatform()
  transport = new HttpTransport({ connections: options.connections ?? 32 })
  const metrics = new Metrics()
  tokens = new AccessTokenManager({
    appId: platform.appId,
    secret: platform.secret,
    tokenUrl: `${platform.url}/app/getAppAccessToken`,
    transport,
    logger,
  })
  const rest = new RestClient({
    baseUrl: options.baseUrl ?? platform.url,
    appId: platform.appId,
    tokens,
    transport,
    logger,
    metrics,
    retries: options.retries,
    backoff: { baseMs: 5, maxMs: 20 },
  })
  return { platform, rest, api: new OpenApi(rest), metrics, tokens }
}

const groupReply = (seq: number) => ({ content: 'pong', msg_type: 0, msg_id: 'inbound-1', msg_seq: seq })
const sendsTo = (p: FakePlatform, path: string) =>
  p.calls.filter((call) => call.method === 'POST' && call.path === path)
const callsTo = (p: FakePlatform, path: string) => p.calls.filter((call) => call.path === path)
const caught = <T>(promise: Promise<T>): Promise<unknown> =>
  promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  )

describe('RestClient retries', () => {
  it.each([
    ['HTTP 429', { status: 429 }],
    ['HTTP 500', { status: 500 }],
    ['HTTP 502', { status: 502 }],
    ['HTTP 503', { status: 503 }],
    ['HTTP 400 code 22009', { status: 400, body: { code: 22009, message: 'msg limit exceed' } }],
    ['HTTP 400 code 20028', { status: 400, body: { code: 20028, message: 'channel write limit' } }],
    [
      'HTTP 400 err_code 22009 (v2 code differs)',
      { status: 400, body: { code: 850000, err_code: 22009, message: 'msg limit exceed' } },
    ],
  ])(
    'GIVEN %s then success THEN every attempt sends the same body (same msg_seq) and one message lands',
    async (_, failure) => {
      const { platform, api, metrics } = await setup()
      platform.failNext({ method: 'POST', path: '/v2/groups/g1/messages' }, failure, 2)
      const result = await api.sendGroupMessage('g1', groupReply(1))
      expect(result.id).toBeDefined()
      const attempts = sendsTo(platform, '/v2/groups/g1/messages')
      expect(attempts).toHaveLength(3)
      expect(attempts.map((call) => call.injected)).toEqual([true, true, false])
      expect(attempts.map((call) => call.body)).toEqual([groupReply(1), groupReply(1), groupReply(1)])
      expect(platform.sent).toHaveLength(1)
      expect(platform.sent[0]!.body).toEqual(groupReply(1))
      expect(metrics.count('rest_retries', { route: GROUP_ROUTE })).toBe(2)
    },
  )

  it('GIVEN one 429 then success THEN exactly one message is recorded', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: '/v2/users/u1/messages' }, { status: 429 })
    await api.sendC2CMessage('u1', { content: 'hi', msg_type: 0, msg_id: 'in', msg_seq: 3 })
    expect(sendsTo(platform, '/v2/users/u1/messages').map((call) => call.body)).toEqual([
      { content: 'hi', msg_type: 0, msg_id: 'in', msg_seq: 3 },
      { content: 'hi', msg_type: 0, msg_id: 'in', msg_seq: 3 },
    ])
    expect(platform.sent).toHaveLength(1)
  })

  it('GIVEN retries run out THEN an ApiError carries status, codes, the X-Tps-trace-ID and names the route', async () => {
    const { platform, api } = await setup({ retries: 2 })
    platform.failNext(
      { path: '/v2/groups/g1/messages' },
      { status: 503, body: { code: 5030, err_code: 5031, message: 'busy' } },
      10,
    )
    const error = (await caught(api.sendGroupMessage('g1', groupReply(1)))) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      code: 'API_ERROR',
      status: 503,
      platformCode: 5030,
      errCode: 5031,
      route: GROUP_ROUTE,
    })
    // the injected body carries no trace_id: this one can only come from the response header
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(error.traceId).toBe(platform.calls.at(-1)!.traceId)
    expect(error.message).toContain(`${GROUP_ROUTE} failed: HTTP 503`)
    expect(error.message).toContain('code 5030/5031')
    expect(error.message).toContain(error.traceId!)
    expect(sendsTo(platform, '/v2/groups/g1/messages')).toHaveLength(3)
  })

  it('GIVEN retries: 0 on the request THEN a 503 is not retried', async () => {
    const { platform, rest } = await setup()
    platform.failNext({ path: '/users/@me' }, { status: 503 }, 5)
    await expect(rest.request({ method: 'GET', path: '/users/@me', retries: 0 })).rejects.toMatchObject({ status: 503 })
    expect(callsTo(platform, '/users/@me')).toHaveLength(1)
  })

  it.each([
    [40054005, 'msg_seq dedupe'],
    [304003, 'URL not registered'],
    [50006, 'empty message'],
  ])(
    'GIVEN a non-retryable HTTP 400 with code %i (%s) THEN it throws at once with the hint from PLATFORM_CODE_HINTS',
    async (code) => {
      const { platform, api, metrics } = await setup()
      platform.failNext(
        { path: '/v2/groups/g1/messages' },
        { status: 400, body: { code, err_code: code, message: 'refused', trace_id: 'body-trace' } },
        5,
      )
      const error = (await caught(api.sendGroupMessage('g1', groupReply(1)))) as ApiError
      expect(error).toBeInstanceOf(ApiError)
      expect(error.is(code)).toBe(true)
      expect(error.status).toBe(400)
      expect(error.message).toContain(PLATFORM_CODE_HINTS.get(code)!)
      expect(sendsTo(platform, '/v2/groups/g1/messages')).toHaveLength(1)
      expect(metrics.count('rest_retries')).toBe(0)
    },
  )

  it('GIVEN the real dedupe (same msg_seq twice) THEN the second send throws 40054005 at once', async () => {
    const { platform, api } = await setup()
    await api.sendGroupMessage('g1', groupReply(1))
    const error = (await caught(api.sendGroupMessage('g1', groupReply(1)))) as ApiError
    expect(error.is(40054005)).toBe(true)
    expect(error.message).toContain(PLATFORM_CODE_HINTS.get(40054005)!)
    expect(sendsTo(platform, '/v2/groups/g1/messages')).toHaveLength(2)
    expect(platform.sent).toHaveLength(1)
  })

  it.each([201, 202])(
    'GIVEN HTTP %i with an error body (accepted asynchronously) THEN it resolves with the body and its audit_id',
    async (status) => {
      const { platform, api } = await setup()
      const body = {
        code: status === 201 ? 304023 : 304024,
        message: 'push message is async',
        data: { message_audit: { audit_id: 'a1' } },
      }
      platform.failNext({ path: '/channels/c1/messages' }, { status, body })
      await expect(api.sendChannelMessage('c1', { content: 'hi', msg_id: 'm' })).resolves.toEqual({
        ...body,
        audit_id: 'a1',
      })
      expect(callsTo(platform, '/channels/c1/messages')).toHaveLength(1)
    },
  )
})

describe('RestClient token refresh', () => {
  it('GIVEN the token expired on the platform (401/11244) THEN one refresh and the call succeeds', async () => {
    const { platform, api, metrics } = await setup()
    const first = await api.getMe()
    expect(first.id).toBe(platform.botUser.id)
    const staleToken = platform.calls.at(-1)!.headers.authorization
    platform.expireAllTokens()
    const me = await api.getMe()
    expect(me.id).toBe(platform.botUser.id)
    expect(platform.tokenRequests).toBe(2)
    const [, rejected, accepted] = callsTo(platform, '/users/@me')
    expect(rejected).toMatchObject({ status: 401, headers: { authorization: staleToken } })
    expect(accepted).toMatchObject({ status: 200, headers: { authorization: `QQBot ${platform.currentToken}` } })
    expect(metrics.count('rest_errors', { route: 'GET /users/@me', code: '11244' })).toBe(1)
  })

  it('GIVEN a 401 on every attempt THEN each call refreshes exactly once and then surfaces the error (no loop)', async () => {
    const { platform, api } = await setup()
    await api.getMe()
    platform.clearRecords()
    platform.failNext(
      { path: '/users/@me' },
      { status: 401, body: { code: 11244, message: 'token not exist or expire' } },
      100,
    )
    const error = (await caught(api.getMe())) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.is(11244)).toBe(true)
    expect(error.status).toBe(401)
    expect(callsTo(platform, '/users/@me')).toHaveLength(2)
    expect(platform.tokenRequests).toBe(2)
    // the next call gets its own single refresh, no more
    await expect(api.getMe()).rejects.toBeInstanceOf(ApiError)
    expect(callsTo(platform, '/users/@me')).toHaveLength(4)
    expect(platform.tokenRequests).toBe(3)
  })

  it('GIVEN 50 concurrent calls all rejected with 11244 THEN they share ONE token refresh and all succeed', async () => {
    const { platform, api } = await setup()
    await api.getMe()
    platform.expireAllTokens()
    platform.setRestLatency(10)
    const results = await Promise.all(Array.from({ length: 50 }, () => api.getMe()))
    expect(results.every((me) => me.id === platform.botUser.id)).toBe(true)
    expect(platform.tokenRequests).toBe(2)
    expect(callsTo(platform, '/users/@me').filter((call) => call.status === 401)).toHaveLength(50)
  })

  it('GIVEN a bare 401 without a code THEN it is treated as an expired token too (one refresh)', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: '/users/@me' }, { status: 401, body: 'unauthorized' })
    await expect(api.getMe()).resolves.toMatchObject({ id: platform.botUser.id })
    expect(callsTo(platform, '/users/@me')).toHaveLength(2)
    expect(platform.tokenRequests).toBe(2)
  })
})

describe('RestClient network errors', () => {
  it('GIVEN the connection dies after the request was sent THEN a POST without msg_seq is not retried; GET and v2 sends with msg_seq are', async () => {
    const hits = new Map<string, number>()
    const server = createServer((request) => {
      const key = `${request.method} ${request.url}`
      hits.set(key, (hits.get(key) ?? 0) + 1)
      request.socket.destroy()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      const { rest } = await setup({ baseUrl: `http://127.0.0.1:${port}`, retries: 2 })
      const post = await caught(rest.request({ method: 'POST', path: '/channels/c1/messages', body: { content: 'x' } }))
      expect(post).toBeInstanceOf(NetworkError)
      expect((post as NetworkError).code).toBe('NETWORK_ERROR')
      expect((post as Error).message).toMatch(/API host/)
      await expect(rest.request({ method: 'GET', path: '/users/@me' })).rejects.toBeInstanceOf(NetworkError)
      await expect(
        rest.request({
          method: 'POST',
          path: '/v2/groups/g/messages',
          body: { content: 'x', msg_id: 'm', msg_seq: 1 },
        }),
      ).rejects.toBeInstanceOf(NetworkError)
      expect(Object.fromEntries(hits)).toEqual({
        'POST /channels/c1/messages': 1,
        'GET /users/@me': 3,
        'POST /v2/groups/g/messages': 3,
      })
    } finally {
      server.close()
    }
  })

  it('GIVEN the platform does not answer within timeoutMs THEN a POST without msg_seq is sent once, a GET is retried', async () => {
    const hits = new Map<string, number>()
    const server = createServer((request) => {
      const key = `${request.method} ${request.url}`
      hits.set(key, (hits.get(key) ?? 0) + 1) // and never answer
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    try {
      const { rest } = await setup({ baseUrl: `http://127.0.0.1:${port}`, retries: 1 })
      // undici checks header timeouts about once a second, so each attempt takes ~1 s whatever the value
      const post = await caught(
        rest.request({
          method: 'POST',
          path: '/channels/c1/messages',
          body: { content: 'x', msg_id: 'm' },
          timeoutMs: 100,
        }),
      )
      expect(post).toMatchObject({ code: 'NETWORK_ERROR' })
      const get = await caught(rest.request({ method: 'GET', path: '/users/@me', timeoutMs: 100 }))
      expect(get).toMatchObject({ code: 'NETWORK_ERROR' })
      expect(Object.fromEntries(hits)).toEqual({ 'POST /channels/c1/messages': 1, 'GET /users/@me': 2 })
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  it('GIVEN a closed port THEN NetworkError NETWORK_ERROR naming the route; GET is retried, and so is a POST, since a refused connect sent nothing', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const closedPort = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const { rest, metrics } = await setup({ baseUrl: `http://127.0.0.1:${closedPort}`, retries: 2 })
    const get = await caught(rest.request({ method: 'GET', path: '/users/@me', route: 'GET /users/@me' }))
    expect(get).toBeInstanceOf(NetworkError)
    expect(get).toMatchObject({ code: 'NETWORK_ERROR', route: 'GET /users/@me' })
    expect((get as Error).message).toContain('GET /users/@me got no response')
    expect(metrics.count('rest_calls', { route: 'GET /users/@me' })).toBe(3)
    expect(metrics.count('rest_errors', { route: 'GET /users/@me', code: 'network' })).toBe(3)
    const post = await caught(
      rest.request({
        method: 'POST',
        path: '/channels/c1/messages',
        route: 'POST /channels/{channel_id}/messages',
        body: { content: 'x' },
      }),
    )
    expect(post).toMatchObject({ code: 'NETWORK_ERROR', route: 'POST /channels/{channel_id}/messages' })
    // ECONNREFUSED: the request never left, so even a POST without msg_seq cannot have been acted on
    expect(metrics.count('rest_calls', { route: 'POST /channels/{channel_id}/messages' })).toBe(3)
  })
})

describe('RestClient pool and hooks', () => {
  it('GIVEN 5,000 concurrent sends with 20 ms latency and connections: 32 THEN all succeed over at most 32 (and more than one) sockets', async () => {
    const { platform, api } = await setup({ connections: 32 })
    await api.getMe() // token fetched up front
    platform.resetConnectionStats()
    platform.setRestLatency(20)
    const results = await Promise.all(
      Array.from({ length: 5_000 }, (_, i) =>
        api.sendGroupMessage(`g${i % 50}`, { content: 'x', msg_type: 0, msg_id: `m${i}`, msg_seq: 1 }),
      ),
    )
    expect(results.every((result) => typeof result.id === 'string')).toBe(true)
    expect(platform.sent).toHaveLength(5_000)
    expect(platform.httpConnections.peak).toBeLessThanOrEqual(32)
    expect(platform.httpConnections.peak).toBeGreaterThanOrEqual(2)
    expect(platform.httpConnections.total).toBeLessThanOrEqual(32)
  }, 60_000)

  it('GIVEN calls in flight THEN the rest_in_flight gauge counts them, and drops to 0 when they finish', async () => {
    const { platform, api, metrics } = await setup({ connections: 4 })
    await api.getMe()
    platform.setRestLatency(100)
    const burst = Promise.all(Array.from({ length: 20 }, () => api.getMe()))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(metrics.snapshot().gauges.rest_in_flight).toBe(20)
    await burst
    expect(metrics.snapshot().gauges.rest_in_flight).toBe(0)
  })

  it('GIVEN a base URL with a trailing slash THEN paths are not doubled', async () => {
    const { platform } = await setup()
    const rest = new RestClient({
      baseUrl: `${platform.url}/`,
      appId: platform.appId,
      tokens: tokens!,
      transport: transport!,
      logger,
    })
    await new OpenApi(rest).getMe()
    expect(platform.calls.at(-1)).toMatchObject({ path: '/users/@me', status: 200 })
  })

  it('GIVEN hooks THEN the first added is outermost, they see route templates, and one can answer without the network', async () => {
    const { platform, rest, api } = await setup()
    const order: string[] = []
    const outer: RestHook = async (request, next) => {
      order.push(`outer>${request.route}`)
      const response = await next(request)
      order.push('outer<')
      return response
    }
    const inner: RestHook = async (request, next) => {
      order.push('inner')
      if (request.route === 'GET /users/@me') return { status: 200, data: { id: 'from-hook' }, traceId: undefined }
      return next(request)
    }
    rest.use(outer).use(inner)
    expect(await api.getMe()).toEqual({ id: 'from-hook' })
    expect(order).toEqual(['outer>GET /users/@me', 'inner', 'outer<'])
    expect(platform.calls).toHaveLength(0) // no token request either
    expect(platform.tokenRequests).toBe(0)
    order.length = 0
    await api.sendGroupMessage('g1', groupReply(1))
    expect(order).toEqual([`outer>${GROUP_ROUTE}`, 'inner', 'outer<'])
  })

  it('GIVEN a hook that throws synchronously or answers with a plain object THEN calls reject or resolve, never throw', async () => {
    const { rest, api } = await setup()
    const plain = ((request: RestRequest) =>
      request.route === 'GET /users/@me'
        ? { status: 200, data: { id: 'plain' }, traceId: undefined }
        : (() => {
            throw new Error('hook broke')
          })()) as unknown as RestHook
    rest.use(plain)
    expect(await api.getMe()).toEqual({ id: 'plain' })
    const sent = api.sendGroupMessage('g1', groupReply(1))
    await expect(sent).rejects.toThrow('hook broke')
  })

  it('GIVEN a hook that changes the request THEN the platform sees the change, and the hook sees path and template', async () => {
    const { platform, rest, api } = await setup()
    const seen: { path: string; route: string | undefined }[] = []
    rest.use(async (request, next) => {
      seen.push({ path: request.path, route: request.route })
      return next({ ...request, headers: { ...request.headers, 'x-test-hook': 'yes' } })
    })
    await api.sendGroupMessage('g/1', groupReply(1))
    expect(seen).toEqual([{ path: '/v2/groups/g%2F1/messages', route: GROUP_ROUTE }])
    expect(sendsTo(platform, '/v2/groups/g%2F1/messages')[0]!.headers['x-test-hook']).toBe('yes')
  })

  it('GIVEN hooks passed to createClient THEN they run on client.api calls, in the given order', async () => {
    platform = await startFakePlatform()
    const order: string[] = []
    const hook =
      (name: string): RestHook =>
      async (request, next) => {
        order.push(name)
        return next(request)
      }
    client = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      rest: { hooks: [hook('a'), hook('b')] },
    })
    await client.api.getGateway()
    expect(order).toEqual(['a', 'b'])
  })
})

describe('OpenApi typed methods', () => {
  it('GIVEN each method THEN the right verb and path reach the platform, ids URL-encoded, with auth headers', async () => {
    const { platform, api } = await setup()
    const [, alice] = SEEDED_USER_IDS
    expect((await api.getGateway()).url).toBe(platform.gatewayUrl)
    expect(await api.getGatewayBot()).toMatchObject({
      url: platform.gatewayUrl,
      shards: 1,
      session_start_limit: { total: 1000 },
    })
    expect((await api.getMe()).id).toBe(platform.botUser.id)
    expect((await api.getGuilds({ limit: 10 }))[0]!.id).toBe(SEEDED_GUILD_ID)
    expect((await api.getGuild(SEEDED_GUILD_ID)).id).toBe(SEEDED_GUILD_ID)
    expect((await api.getChannels(SEEDED_GUILD_ID)).length).toBeGreaterThan(0)
    expect((await api.getChannel('channel-1')).id).toBe('channel-1')
    expect((await api.getRoles(SEEDED_GUILD_ID)).roles.length).toBeGreaterThan(0)
    expect(await api.getMembers(SEEDED_GUILD_ID, { limit: 2 })).toHaveLength(2)
    expect((await api.getMember(SEEDED_GUILD_ID, alice)).user?.id).toBe(alice)
    const sent = await api.sendChannelMessage('channel-1', { content: 'a', msg_id: 'x' })
    expect((await api.getChannelMessage('channel-1', sent.id!)).message.id).toBe(sent.id)
    await api.recallChannelMessage('channel-1', sent.id!, { hideTip: true })
    const dm = await api.createDirectSession('user-1', SEEDED_GUILD_ID)
    await api.sendDirectMessage(dm.guild_id, { content: 'b', msg_id: 'y' })
    await api.recallDirectMessage(dm.guild_id, 'mid')
    const inGroup = await api.sendGroupMessage('group/1', { content: 'c', msg_type: 0, msg_id: 'z', msg_seq: 1 })
    await api.recallGroupMessage('group/1', inGroup.id!)
    const inC2C = await api.sendC2CMessage('user 2', { content: 'd', msg_type: 0, msg_id: 'w', msg_seq: 1 })
    await api.recallC2CMessage('user 2', inC2C.id!)
    expect(
      (await api.uploadGroupMedia('group/1', { file_type: 1, url: 'https://example.invalid/a.png' })).file_info,
    ).toBeDefined()
    expect(
      (await api.uploadC2CMedia('user 2', { file_type: 1, url: 'https://example.invalid/a.png' })).file_info,
    ).toBeDefined()
    expect(await api.request({ method: 'GET', path: '/users/@me', route: 'GET /users/@me' })).toMatchObject({
      id: platform.botUser.id,
    })
    platform.dispatch('INTERACTION_CREATE', { id: 'i/1', type: 11, chat_type: 2, user_openid: 'u1' })
    await expect(api.ackInteraction('i/1')).resolves.toBeUndefined()

    const seen = platform.calls
      .filter((call) => call.path !== '/app/getAppAccessToken')
      .map((call) => `${call.method} ${call.path} ${call.status}`)
    expect(seen).toEqual([
      'GET /gateway 200',
      'GET /gateway/bot 200',
      'GET /users/@me 200',
      'GET /users/@me/guilds 200',
      'GET /guilds/guild-1 200',
      'GET /guilds/guild-1/channels 200',
      'GET /channels/channel-1 200',
      'GET /guilds/guild-1/roles 200',
      'GET /guilds/guild-1/members 200',
      `GET /guilds/guild-1/members/${alice} 200`,
      'POST /channels/channel-1/messages 200',
      `GET /channels/channel-1/messages/${sent.id} 200`,
      `DELETE /channels/channel-1/messages/${sent.id} 200`,
      'POST /users/@me/dms 200',
      `POST /dms/${dm.guild_id}/messages 200`,
      `DELETE /dms/${dm.guild_id}/messages/mid 200`,
      'POST /v2/groups/group%2F1/messages 200',
      `DELETE /v2/groups/group%2F1/messages/${inGroup.id} 200`,
      'POST /v2/users/user%202/messages 200',
      `DELETE /v2/users/user%202/messages/${inC2C.id} 200`,
      'POST /v2/groups/group%2F1/files 200',
      'POST /v2/users/user%202/files 200',
      'GET /users/@me 200',
      'PUT /interactions/i%2F1 204',
    ])
    const byPath = (method: string, path: string) =>
      platform!.calls.find((call) => call.method === method && call.path === path)!
    expect(byPath('GET', '/users/@me/guilds').query).toEqual({ limit: '10' })
    expect(byPath('GET', '/guilds/guild-1/members').query).toEqual({ limit: '2' })
    expect(byPath('GET', `/guilds/guild-1/members/${alice}`).query).toEqual({})
    expect(byPath('DELETE', `/channels/channel-1/messages/${sent.id}`).query).toEqual({ hidetip: 'true' })
    expect(byPath('POST', '/users/@me/dms').body).toEqual({ recipient_id: 'user-1', source_guild_id: SEEDED_GUILD_ID })
    expect(byPath('POST', '/v2/groups/group%2F1/files').body).toEqual({
      srv_send_msg: false,
      file_type: 1,
      url: 'https://example.invalid/a.png',
    })
    expect(platform.sent.map((message) => `${message.scene}:${message.target}`)).toEqual([
      'guild:channel-1',
      `dm:${dm.guild_id}`,
      'group:group/1',
      'c2c:user 2',
    ])
    const ack = platform.calls.at(-1)!
    expect(ack.body).toEqual({ code: 0 })
    for (const call of platform.calls.filter((c) => c.path !== '/app/getAppAccessToken')) {
      expect(call.headers.authorization).toBe(`QQBot ${platform.currentToken}`)
      expect(call.unionAppId).toBe(platform.appId)
    }
  })
})
