import { afterEach, describe, expect, it } from 'vitest'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { AccessTokenManager } from '../auth/access-token-manager.js'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import { ApiError, NetworkError } from './api-error.js'
import { HttpTransport } from './http-transport.js'
import { OpenApi } from './open-api.js'
import { RestClient, type RestHook } from './rest-client.js'

const logger = createLogger({ level: 'silent' })
let platform: FakePlatform | undefined
let transport: HttpTransport | undefined
afterEach(async () => {
  await transport?.close()
  await platform?.close()
  transport = platform = undefined
})

async function setup(options: { connections?: number; baseUrl?: string; retries?: number } = {}) {
  platform = await startFakePlatform()
  transport = new HttpTransport({ connections: options.connections ?? 32 })
  const metrics = new Metrics()
  const tokens = new AccessTokenManager({ appId: platform.appId, secret: platform.secret, tokenUrl: `${platform.url}/app/getAppAccessToken`, transport, logger })
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
const sendsTo = (p: FakePlatform, path: string) => p.calls.filter((call) => call.method === 'POST' && call.path === path)

describe('RestClient retries', () => {
  it.each([
    ['HTTP 429', { status: 429 }],
    ['HTTP 500', { status: 500 }],
    ['HTTP 502', { status: 502 }],
    ['HTTP 503', { status: 503 }],
    ['code 22009', { status: 400, body: { code: 22009, message: 'msg limit exceed' } }],
    ['code 20028', { status: 400, body: { code: 20028, message: 'channel write limit' } }],
  ])('GIVEN %s then success THEN the retry sends the same body (same msg_seq) and one message lands', async (_, failure) => {
    const { platform, api } = await setup()
    platform.failNext({ method: 'POST', path: '/v2/groups/g1/messages' }, failure, 2)
    const result = await api.sendGroupMessage('g1', groupReply(1))
    expect(result.id).toBeDefined()
    const attempts = sendsTo(platform, '/v2/groups/g1/messages')
    expect(attempts).toHaveLength(3)
    expect(attempts.map((call) => call.body)).toEqual([groupReply(1), groupReply(1), groupReply(1)])
    expect(platform.sent).toHaveLength(1)
  })

  it('GIVEN retries run out THEN an ApiError carries status, codes, trace id and the route', async () => {
    const { platform, api } = await setup({ retries: 2 })
    platform.failNext({ path: '/v2/groups/g1/messages' }, { status: 503, body: { code: 5030, err_code: 5031, message: 'busy' } }, 10)
    const error = (await api.sendGroupMessage('g1', groupReply(1)).catch((e: unknown) => e)) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ code: 'API_ERROR', status: 503, platformCode: 5030, errCode: 5031, route: 'POST /v2/groups/{group_openid}/messages' })
    expect(error.traceId).toBe(platform.calls.at(-1)!.traceId)
    expect(error.message).toContain('POST /v2/groups/{group_openid}/messages failed: HTTP 503')
    expect(sendsTo(platform, '/v2/groups/g1/messages')).toHaveLength(3)
  })

  it('GIVEN a non-retryable error (40054005) THEN it throws at once with the hint', async () => {
    const { platform, api } = await setup()
    await api.sendGroupMessage('g1', groupReply(1))
    const error = (await api.sendGroupMessage('g1', groupReply(1)).catch((e: unknown) => e)) as ApiError
    expect(error.is(40054005)).toBe(true)
    expect(error.message).toMatch(/distinct msg_seq|its own msg_seq/)
    expect(sendsTo(platform, '/v2/groups/g1/messages')).toHaveLength(2)
  })

  it('GIVEN the token expired (401/11244) THEN the client refreshes once and the call succeeds', async () => {
    const { platform, api, metrics } = await setup()
    await api.getMe()
    platform.expireAllTokens()
    const me = await api.getMe()
    expect(me.id).toBe(platform.botUser.id)
    expect(platform.tokenRequests).toBe(2)
    expect(metrics.count('rest_errors', { route: 'GET /users/@me', code: '11244' })).toBe(1)
  })

  it('GIVEN every token is rejected THEN exactly one refresh is tried per call, then the error surfaces', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: '/users/@me' }, { status: 401, body: { code: 11244, message: 'token not exist or expire' } }, 5)
    const error = (await api.getMe().catch((e: unknown) => e)) as ApiError
    expect(error.is(11244)).toBe(true)
    expect(platform.calls.filter((call) => call.path === '/users/@me')).toHaveLength(2)
  })

  it('GIVEN 201/202 with an error body (accepted asynchronously) THEN it resolves', async () => {
    const { platform, api } = await setup()
    platform.failNext({ path: '/channels/c1/messages' }, { status: 202, body: { code: 304024, message: 'waiting for audit', data: { message_audit: { audit_id: 'a1' } } } })
    await expect(api.sendChannelMessage('c1', { content: 'hi', msg_id: 'm' })).resolves.toMatchObject({ code: 304024 })
  })

  it('GIVEN the connection dies after the request was sent THEN a POST without msg_seq is not retried; GET and v2 sends with msg_seq are', async () => {
    const { createServer } = await import('node:http')
    const hits = new Map<string, number>()
    const server = createServer((request) => {
      hits.set(`${request.method} ${request.url}`, (hits.get(`${request.method} ${request.url}`) ?? 0) + 1)
      request.socket.destroy()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const { rest } = await setup({ baseUrl: `http://127.0.0.1:${port}`, retries: 2 })
      const post = await rest.request({ method: 'POST', path: '/channels/c1/messages', body: { content: 'x' } }).catch((e: unknown) => e)
      expect(post).toBeInstanceOf(NetworkError)
      expect((post as NetworkError).code).toBe('NETWORK_ERROR')
      expect((post as Error).message).toMatch(/API host/)
      await rest.request({ method: 'GET', path: '/users/@me' }).catch(() => undefined)
      await rest.request({ method: 'POST', path: '/v2/groups/g/messages', body: { content: 'x', msg_id: 'm', msg_seq: 1 } }).catch(() => undefined)
      expect(Object.fromEntries(hits)).toEqual({ 'POST /channels/c1/messages': 1, 'GET /users/@me': 3, 'POST /v2/groups/g/messages': 3 })
    } finally {
      server.close()
    }
  })
})

describe('RestClient pool and hooks', () => {
  it('GIVEN 5,000 concurrent sends THEN all succeed over at most 32 connections', async () => {
    const { platform, api } = await setup({ connections: 32 })
    platform.setRestLatency(5)
    await api.getMe()
    const results = await Promise.all(
      Array.from({ length: 5_000 }, (_, i) => api.sendGroupMessage(`g${i % 50}`, { content: 'x', msg_type: 0, msg_id: `m${i}`, msg_seq: 1 })),
    )
    expect(results.every((result) => typeof result.id === 'string')).toBe(true)
    expect(platform.sent).toHaveLength(5_000)
    expect(platform.httpConnections.peak).toBeLessThanOrEqual(32)
    expect(platform.httpConnections.peak).toBeGreaterThan(1)
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
    const fake: RestHook = async (request, next) => {
      order.push('fake')
      if (request.route === 'GET /users/@me') return { status: 200, data: { id: 'from-hook' }, traceId: undefined }
      return next(request)
    }
    rest.use(outer).use(fake)
    const before = platform.calls.length
    expect(await api.getMe()).toEqual({ id: 'from-hook' })
    expect(order).toEqual(['outer>GET /users/@me', 'fake', 'outer<'])
    expect(platform.calls.length).toBe(before)
    await api.sendGroupMessage('g1', groupReply(1))
    expect(order).toContain('outer>POST /v2/groups/{group_openid}/messages')
  })
})

describe('OpenApi typed methods', () => {
  it('GIVEN each method THEN the right verb and path reach the platform, ids URL-encoded, with auth headers', async () => {
    const { platform, api } = await setup()
    await api.getGateway()
    await api.getGatewayBot()
    await api.getMe()
    await api.getGuilds({ limit: 10 })
    await api.getGuild('guild-1')
    await api.getChannels('guild-1')
    await api.getChannel('channel-1')
    await api.getRoles('guild-1')
    await api.getMembers('guild-1', { limit: 2 })
    const sent = await api.sendChannelMessage('channel-1', { content: 'a', msg_id: 'x' })
    await api.getChannelMessage('channel-1', sent.id!)
    await api.recallChannelMessage('channel-1', sent.id!, { hideTip: true })
    const dm = await api.createDirectSession('user-1', 'guild-1')
    await api.sendDirectMessage(dm.guild_id, { content: 'b', msg_id: 'y' })
    await api.recallDirectMessage(dm.guild_id, 'mid')
    await api.sendGroupMessage('group/1', { content: 'c', msg_type: 0, msg_id: 'z', msg_seq: 1 })
    await api.recallGroupMessage('group/1', 'mid')
    await api.sendC2CMessage('user-2', { content: 'd', msg_type: 0, msg_id: 'w', msg_seq: 1 })
    await api.recallC2CMessage('user-2', 'mid')
    expect((await api.uploadGroupMedia('group/1', { file_type: 1, url: 'https://example.invalid/a.png' })).file_info).toBeDefined()
    expect((await api.uploadC2CMedia('user-2', { file_type: 1, url: 'https://example.invalid/a.png' })).file_info).toBeDefined()
    await expect(api.ackInteraction('i-1')).resolves.toBeUndefined()

    const seen = platform.calls.filter((call) => call.path !== '/app/getAppAccessToken').map((call) => `${call.method} ${call.path}`)
    expect(seen).toEqual([
      'GET /gateway',
      'GET /gateway/bot',
      'GET /users/@me',
      'GET /users/@me/guilds',
      'GET /guilds/guild-1',
      'GET /guilds/guild-1/channels',
      'GET /channels/channel-1',
      'GET /guilds/guild-1/roles',
      'GET /guilds/guild-1/members',
      'POST /channels/channel-1/messages',
      `GET /channels/channel-1/messages/${sent.id}`,
      `DELETE /channels/channel-1/messages/${sent.id}`,
      'POST /users/@me/dms',
      `POST /dms/${dm.guild_id}/messages`,
      `DELETE /dms/${dm.guild_id}/messages/mid`,
      'POST /v2/groups/group%2F1/messages',
      'DELETE /v2/groups/group%2F1/messages/mid',
      'POST /v2/users/user-2/messages',
      'DELETE /v2/users/user-2/messages/mid',
      'POST /v2/groups/group%2F1/files',
      'POST /v2/users/user-2/files',
      'PUT /interactions/i-1',
    ])
    const ack = platform.calls.at(-1)!
    expect(ack.body).toEqual({ code: 0 })
    expect(ack.headers.authorization).toBe(`QQBot ${platform.currentToken}`)
    expect(ack.unionAppId).toBe(platform.appId)
    expect(platform.calls.find((call) => call.path.endsWith(`/messages/${sent.id}`) && call.method === 'DELETE')!.query).toEqual({ hidetip: 'true' })
  })
})
