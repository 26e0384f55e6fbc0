import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'
import { captureLogs } from '../packages/core/src/logging/test-log-capture.js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createClient, type ClientOptions, type QQBotClient } from '@qqbot/core'
import {
  c2cMessage,
  directMessage,
  isAcknowledgement,
  groupAtMessage,
  guildAtMessage,
  startFakePlatform,
  type FakePlatform,
} from '@qqbot/fake-platform'
import { createPingBot } from '@qqbot/example-ping'

let platform: FakePlatform | undefined
let client: QQBotClient | undefined
afterEach(async () => {
  await client?.stop()
  await platform?.close()
  client = platform = undefined
})

async function webhookBot(options: Partial<ClientOptions> = {}, handler?: (id: string) => unknown) {
  platform = await startFakePlatform()
  const handled = new Map<string, number>()
  client = createClient({
    appId: platform.appId,
    secret: platform.secret,
    hosts: { api: platform.url },
    logLevel: 'silent',
    source: 'webhook',
    webhook: { port: 0, host: '127.0.0.1', path: '/qq/callback' },
    ...options,
  })
  client.on('GROUP_AT_MESSAGE_CREATE', (event) => {
    handled.set(event.data.id, (handled.get(event.data.id) ?? 0) + 1)
    return handler?.(event.data.id)
  })
  await client.start()
  return { platform, client, handled, url: client.webhook.url! }
}

/** A webhook client that serves no port: the test calls its handlers directly. */
async function handlerOnlyClient(): Promise<{ platform: FakePlatform; client: QQBotClient }> {
  platform = await startFakePlatform()
  client = createClient({
    appId: platform.appId,
    secret: platform.secret,
    hosts: { api: platform.url },
    logLevel: 'silent',
    source: 'webhook',
    webhook: { listen: false },
  })
  return { platform, client }
}

/** A dispatch callback's body and headers, signed by the platform (or with `signature` instead). */
function signedCallback(p: FakePlatform, event: { t: string; d: unknown }, id: string, signature?: string) {
  const body = JSON.stringify({ id, op: 0, t: event.t, d: event.d })
  const ts = String(Math.floor(Date.now() / 1000))
  const headers = {
    'content-type': 'application/json',
    'x-signature-timestamp': ts,
    'x-signature-ed25519': signature ?? p.webhook.sign(ts, body),
  }
  return { body, headers }
}

function callbackRequest(callback: { body: string; headers: Record<string, string> }): Request {
  return new Request('http://bot/qq', { method: 'POST', ...callback })
}

describe('webhook delivery', () => {
  it('GIVEN the console validates the callback URL (op 13) THEN the answer verifies with the bot public key', async () => {
    const { platform, url } = await webhookBot()
    const result = await platform.webhook.validate(url)
    expect(result.reply.status).toBe(200)
    expect(result.signatureValid).toBe(true)
  })

  it('GIVEN a signed dispatch THEN it is acknowledged with op 12 and handled like a gateway event', async () => {
    const { platform, handled, url } = await webhookBot()
    const event = groupAtMessage({ content: '/ping' })
    const reply = await platform.webhook.deliver(url, event.t, event.d)
    expect(reply).toEqual({ status: 200, body: { op: 12, d: 0 } })
    await client!.idle()
    expect(handled.get((event.d as { id: string }).id)).toBe(1)
  })

  it('GIVEN 1,000 forged, tampered, truncated and replayed requests THEN every one is rejected with 401, none is dispatched, every one is counted and the log gets a line per reason, not per request', async () => {
    const { lines, destination: logDestination } = captureLogs<{ msg: string; reason?: string }>()
    const { platform, handled, url } = await webhookBot({ logLevel: 'warn', logDestination })
    const now = () => String(Math.floor(Date.now() / 1000))
    const kinds = [
      // random signature
      (body: string) => ({
        body,
        headers: { 'x-signature-timestamp': now(), 'x-signature-ed25519': randomBytes(64).toString('hex') },
      }),
      // signed, then the body was changed
      (body: string) => {
        const ts = now()
        return {
          body: body.replace('/ping', '/pong'),
          headers: { 'x-signature-timestamp': ts, 'x-signature-ed25519': platform.webhook.sign(ts, body) },
        }
      },
      // truncated signature
      (body: string) => {
        const ts = now()
        return {
          body,
          headers: {
            'x-signature-timestamp': ts,
            'x-signature-ed25519': platform.webhook.sign(ts, body).slice(0, 100),
          },
        }
      },
      // correctly signed, but an hour old (replayed)
      (body: string) => {
        const ts = String(Math.floor(Date.now() / 1000) - 3600)
        return {
          body,
          headers: { 'x-signature-timestamp': ts, 'x-signature-ed25519': platform.webhook.sign(ts, body) },
        }
      },
      // signature for another timestamp
      (body: string) => ({
        body,
        headers: { 'x-signature-timestamp': now(), 'x-signature-ed25519': platform.webhook.sign('1', body) },
      }),
      // no signature headers at all
      (body: string) => ({ body, headers: {} }),
      // not hex
      (body: string) => ({ body, headers: { 'x-signature-timestamp': now(), 'x-signature-ed25519': 'g'.repeat(128) } }),
    ]
    const statuses = new Map<number, number>()
    for (let i = 0; i < 1_000; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => {
        const event = groupAtMessage({ content: `/ping ${i + j}` })
        const forged = kinds[(i + j) % kinds.length]!(
          JSON.stringify({ id: `e${i + j}`, op: 0, t: event.t, d: event.d }),
        )
        return platform.webhook.post(url, forged.body, forged.headers)
      })
      for (const reply of await Promise.all(batch)) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 1_000 })
    await client!.idle()
    expect(handled.size).toBe(0)
    expect(client!.metrics().counters.webhook_rejected).toEqual({
      'reason="signature"': 857,
      'reason="timestamp"': 143,
    })
    const rejections = lines.filter((line) => line.msg.startsWith('rejected a webhook request'))
    expect(rejections.map((line) => line.reason).sort()).toEqual(['signature', 'timestamp'])
  })

  it('GIVEN a 5,000-event burst and a slow handler THEN every event is handled exactly once and ACKs do not wait for handlers', async () => {
    // The platform delivers again what it got no ACK for: on a loaded machine handlers may fall behind by
    // webhook.maxPendingEvents, and the 503s then are redelivered like the platform's.
    const { platform, handled, url } = await webhookBot(
      { pipeline: { concurrency: 16, highWaterMark: 256 } },
      () => new Promise((resolve) => setTimeout(resolve, 5)),
    )
    const ids: string[] = []
    const replies = await platform.webhook.deliverBurst(
      url,
      5_000,
      (i) => {
        // 64 members: one member's events run one at a time (pipeline.order), a burst from many uses every slot
        const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i % 64}` })
        ids.push((event.d as { id: string }).id)
        return event
      },
      32,
      { delayMs: 20, maxAttempts: 1_000 },
    )
    expect(replies.every(isAcknowledgement)).toBe(true)
    await client!.idle()
    expect(handled.size).toBe(5_000)
    expect(ids.every((id) => handled.get(id) === 1)).toBe(true)
  })

  it('GIVEN handlers far behind and a small maxPendingEvents THEN the platform gets 503 at once, delivers those events again, and every event is handled exactly once', async () => {
    const { lines, destination: logDestination } = captureLogs<{ msg: string; reason?: string }>()
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => (release = resolve))
    const { platform, handled, url } = await webhookBot(
      {
        logLevel: 'warn',
        logDestination,
        pipeline: { concurrency: 4 },
        webhook: { port: 0, host: '127.0.0.1', path: '/qq/callback', maxPendingEvents: 8 },
      },
      () => released,
    )
    const events = Array.from({ length: 100 }, (_, i) =>
      groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i % 10}` }),
    )
    let next = 0
    const answers: Awaited<ReturnType<typeof platform.webhook.deliverUntilAcknowledged>>[] = []
    const sender = async () => {
      for (let i = next++; i < events.length; i = next++) {
        const event = events[i]!
        answers[i] = await platform.webhook.deliverUntilAcknowledged(url, event.t, event.d, {
          id: `evt-${i}`,
          delayMs: 10,
          maxAttempts: 10_000,
        })
      }
    }
    const delivered = Promise.all(Array.from({ length: 32 }, sender))
    // Handlers hold every slot until the endpoint has refused something, so the cap is reached for sure.
    await vi.waitFor(() => expect(client!.metrics().counters.webhook_refused).toBeDefined(), { timeout: 10_000 })
    release()
    await delivered
    await client!.idle()

    const statuses = answers.flat().map((answer) => answer.status)
    expect(new Set(statuses)).toEqual(new Set([200, 503]))
    expect(answers.every((list) => isAcknowledgement(list.at(-1)!))).toBe(true)
    const refused = statuses.filter((status) => status === 503).length
    expect(client!.metrics().counters.webhook_refused).toEqual({ 'reason="at_cap"': refused })
    // Each refused event reached the handler on a later delivery: nothing was taken for a repeat, nothing ran twice.
    expect(handled.size).toBe(100)
    expect([...handled.values()].every((count) => count === 1)).toBe(true)
    const refusalLines = lines.filter((line) => line.msg.startsWith('refused a webhook event'))
    expect(refusalLines).toHaveLength(1)
  })

  it('GIVEN handlers stuck and the queue far over pipeline.highWaterMark, below webhook.holdAcksFrom of the cap THEN every callback is ACKed without a hold and each event runs once released', async () => {
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => (release = resolve))
    const { platform, handled, url } = await webhookBot(
      {
        pipeline: { concurrency: 2, highWaterMark: 4 },
        webhook: { port: 0, host: '127.0.0.1', path: '/qq/callback', maxPendingEvents: 100 },
      },
      () => released,
    )
    const events = Array.from({ length: 40 }, (_, i) =>
      groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i}` }),
    )
    const answers = await Promise.all(
      events.map((event, i) => platform.webhook.deliver(url, event.t, event.d, { id: `evt-${i}` })),
    )
    expect(answers.every(isAcknowledgement)).toBe(true)
    const { counters, gauges } = client!.metrics()
    expect(counters.webhook_acks_held).toBeUndefined()
    expect(gauges.webhook_pending).toBe(40)
    expect(gauges.pipeline_queued).toBe(38)
    release()
    await client!.idle()
    expect(handled.size).toBe(40)
    expect([...handled.values()].every((count) => count === 1)).toBe(true)
  })

  it('GIVEN the platform retries the same event THEN it is handled once', async () => {
    const { platform, handled, url } = await webhookBot()
    const event = groupAtMessage({ content: '/ping' })
    await platform.webhook.deliver(url, event.t, event.d, { id: 'evt-1' })
    await platform.webhook.deliver(url, event.t, event.d, { id: 'evt-1' })
    await client!.idle()
    expect([...handled.values()]).toEqual([1])
  })

  it('GIVEN a handler that throws THEN the platform still gets a 200 ACK (no 5xx storm)', async () => {
    const { platform, url } = await webhookBot({}, () => {
      throw new Error('handler bug')
    })
    const event = groupAtMessage({ content: '/ping' })
    const reply = await platform.webhook.deliver(url, event.t, event.d)
    expect(reply.status).toBe(200)
    await client!.idle()
    expect(client!.metrics().counters.events_failed).toBeDefined()
  })

  it('GIVEN oversized, malformed, wrong-method, wrong-type and wrong-path requests THEN each gets its status and the server keeps working', async () => {
    const { platform, handled, url } = await webhookBot({
      webhook: { port: 0, host: '127.0.0.1', path: '/qq/callback', maxBodyBytes: 64 * 1024 },
    })
    const ts = String(Math.floor(Date.now() / 1000))
    const big = 'x'.repeat(200 * 1024)
    expect(
      (
        await platform.webhook.post(url, big, {
          'x-signature-timestamp': ts,
          'x-signature-ed25519': platform.webhook.sign(ts, big),
        })
      ).status,
    ).toBe(413)
    const broken = '{"op":0,"t":'
    expect(
      (
        await platform.webhook.post(url, broken, {
          'x-signature-timestamp': ts,
          'x-signature-ed25519': platform.webhook.sign(ts, broken),
        })
      ).status,
    ).toBe(400)
    expect((await platform.webhook.post(url, '', {}, 'GET')).status).toBe(405)
    expect((await platform.webhook.post(url, 'hi', { 'content-type': 'text/plain' })).status).toBe(415)
    expect((await platform.webhook.post(url.replace('/qq/callback', '/other'), '{}')).status).toBe(404)
    const event = groupAtMessage({ content: '/ping' })
    expect((await platform.webhook.deliver(url, event.t, event.d)).status).toBe(200)
    await client!.idle()
    expect(handled.size).toBe(1)
  })
})

describe('webhook adapters (listen: false)', () => {
  it('GIVEN nodeHandler mounted in an existing node:http server THEN callbacks work there', async () => {
    const { platform, client } = await handlerOnlyClient()
    let handledCount = 0
    client.on('C2C_MESSAGE_CREATE', () => void handledCount++)
    await client.start()
    const handler = client.webhook.nodeHandler()
    const app = createServer((req, res) => (req.url === '/my-app/qq' ? handler(req, res) : res.writeHead(404).end()))
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(app.address() as { port: number }).port}/my-app/qq`
      expect((await platform.webhook.validate(url)).signatureValid).toBe(true)
      const event = c2cMessage({ content: 'hello' })
      expect((await platform.webhook.deliver(url, event.t, event.d)).status).toBe(200)
      await client.idle()
      expect(handledCount).toBe(1)
    } finally {
      app.close()
    }
  })

  it('GIVEN the bot stops THEN an in-flight request completes and later events get 503 so the platform redelivers them', async () => {
    const { platform, client } = await handlerOnlyClient()
    let release: () => void = () => undefined
    const handled: string[] = []
    client.on('C2C_MESSAGE_CREATE', async (event) => {
      await new Promise<void>((resolve) => (release = resolve))
      handled.push(event.data.id)
    })
    await client.start()
    const handle = client.webhook.fetchHandler()
    const signed = (event: { t: string; d: unknown }, id: string) =>
      callbackRequest(signedCallback(platform, event, id))
    const first = c2cMessage({ content: 'first' })
    expect((await handle(signed(first, 'a'))).status).toBe(200)
    const stopping = client.stop()
    expect((await handle(signed(c2cMessage({ content: 'late' }), 'b'))).status).toBe(503)
    release()
    await stopping
    expect(handled).toEqual([(first.d as { id: string }).id])
  })

  it('GIVEN a read body and a pipeline with room THEN the op 12 ACK is written in the same tick the event is queued, before the handler resumes from its first await', async () => {
    const { platform, client } = await handlerOnlyClient()
    const order: string[] = []
    client.on('C2C_MESSAGE_CREATE', async () => {
      order.push('handler started')
      await Promise.resolve()
      order.push('handler resumed')
    })
    await client.start()
    const { body, headers } = signedCallback(platform, c2cMessage({ content: 'now' }), 'tick')
    const written: { status?: number; body?: string } = {}
    const response = {
      headersSent: false,
      writeHead(status: number) {
        written.status = status
        return response
      },
      end(text: string) {
        written.body = text
        order.push('ACK written')
      },
    }
    const request = { method: 'POST', headers, rawBody: Buffer.from(body) }
    client.webhook.nodeHandler()(request as never, response as never)
    expect(order).toEqual(['handler started', 'ACK written'])
    expect(written).toEqual({ status: 200, body: '{"op":12,"d":0}' })
    await client.idle()
    expect(order).toEqual(['handler started', 'ACK written', 'handler resumed'])
  })

  it('GIVEN fetchHandler THEN a (Request) => Response runtime can serve callbacks', async () => {
    const { platform, client } = await handlerOnlyClient()
    let handledCount = 0
    client.on('C2C_MESSAGE_CREATE', () => void handledCount++)
    await client.start()
    const fetchHandler = client.webhook.fetchHandler()
    const event = c2cMessage({ content: 'hello' })
    const ok = await fetchHandler(callbackRequest(signedCallback(platform, event, 'e1')))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ op: 12, d: 0 })
    const forged = await fetchHandler(callbackRequest(signedCallback(platform, event, 'e1', '00'.repeat(64))))
    expect(forged.status).toBe(401)
    await client.idle()
    expect(handledCount).toBe(1)
  })
})

describe('the same bot over both deliveries', () => {
  for (const delivery of ['gateway', 'webhook'] as const) {
    it(`GIVEN the ping bot over ${delivery} THEN it answers in every scene`, async () => {
      platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
      client = createPingBot({
        appId: platform.appId,
        secret: platform.secret,
        hosts: { api: platform.url },
        logLevel: 'silent',
        source: delivery,
        webhook: { port: 0, host: '127.0.0.1' },
        gateway: { identifyIntervalMs: 0 },
      })
      await client.start()
      const events = [
        guildAtMessage({ content: '/ping a' }),
        directMessage({ content: '/ping b' }),
        groupAtMessage({ content: '/ping c' }),
        c2cMessage({ content: '/ping d' }),
      ]
      for (const event of events) {
        if (delivery === 'gateway') platform.dispatch(event.t, event.d)
        else await platform.webhook.deliver(client.webhook.url!, event.t, event.d)
      }
      const sent = await platform.waitForSent(4)
      expect(sent.map((message) => `${message.scene}:${message.body.content}`).sort()).toEqual([
        'c2c:pong d',
        'dm:pong b',
        'group:pong c',
        'guild:pong a',
      ])
    })
  }
})
