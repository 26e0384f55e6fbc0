import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createClient, type QQBotClient } from '@qqbot/core'
import { c2cMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'

let platform: FakePlatform | undefined
let client: QQBotClient | undefined
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
  await client?.stop()
  await platform?.close()
  client = platform = undefined
})

async function webhookClient(webhook: Parameters<typeof createClient>[0]['webhook']) {
  platform = await startFakePlatform()
  const handled: string[] = []
  client = createClient({
    appId: platform.appId,
    secret: platform.secret,
    hosts: { api: platform.url },
    logLevel: 'silent',
    source: 'webhook',
    webhook,
  })
  client.on('C2C_MESSAGE_CREATE', (event) => void handled.push(event.data.id))
  await client.start()
  return { platform, client, handled }
}

async function expectCallbacksWork(p: FakePlatform, c: QQBotClient, handled: string[], url: string) {
  expect((await p.webhook.validate(url)).signatureValid).toBe(true)
  const event = c2cMessage({ content: 'hi' })
  expect((await p.webhook.deliver(url, event.t, event.d)).status).toBe(200)
  expect(
    (
      await p.webhook.post(url, JSON.stringify({ op: 0, t: event.t, d: event.d }), {
        'x-signature-timestamp': '1',
        'x-signature-ed25519': '00'.repeat(64),
      })
    ).status,
  ).toBe(401)
  await c.idle()
  expect(handled).toEqual([(event.d as { id: string }).id])
}

describe('mounting the webhook in existing apps', () => {
  it('GIVEN Express with express.raw() on the route THEN callbacks verify and dispatch', async () => {
    const { platform, client, handled } = await webhookClient({ listen: false })
    const app = express()
    app.post('/bots/qq', express.raw({ type: '*/*' }), client.webhook.nodeHandler())
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    await expectCallbacksWork(
      platform,
      client,
      handled,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/bots/qq`,
    )
  })

  it('GIVEN Hono with fetchHandler THEN callbacks verify and dispatch', async () => {
    const { platform, client, handled } = await webhookClient({ listen: false })
    const handle = client.webhook.fetchHandler()
    const app = new Hono()
    app.post('/qq', (c) => handle(c.req.raw))
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    await expectCallbacksWork(
      platform,
      client,
      handled,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/qq`,
    )
  })

  it('GIVEN Fastify with a raw-body parser and reply.hijack() THEN callbacks verify and dispatch', async () => {
    const { platform, client, handled } = await webhookClient({ listen: false })
    const qq = client.webhook.nodeHandler()
    const app = Fastify()
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    app.post('/qq', (request, reply) => {
      reply.hijack()
      qq(Object.assign(request.raw, { rawBody: request.body }), reply.raw)
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    cleanups.push(() => app.close())
    await expectCallbacksWork(
      platform,
      client,
      handled,
      `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/qq`,
    )
  })

  it('GIVEN tls PEM files THEN the standalone endpoint serves HTTPS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qqbot-tls-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    const { platform, client, handled } = await webhookClient({
      port: 0,
      host: '127.0.0.1',
      tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
    })
    const url = client.webhook.url!
    expect(url.startsWith('https://')).toBe(true)
    // The fake platform posts with fetch, which rejects a self-signed certificate; send one signed request with undici trusting our CA.
    const agent = new Agent({ connect: { ca: readFileSync(join(dir, 'cert.pem')) } })
    cleanups.push(() => agent.close())
    const event = c2cMessage({ content: 'over tls' })
    const body = JSON.stringify({ id: 'tls-1', op: 0, t: event.t, d: event.d })
    const ts = String(Math.floor(Date.now() / 1000))
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      body,
      headers: {
        'content-type': 'application/json',
        'x-signature-timestamp': ts,
        'x-signature-ed25519': platform.webhook.sign(ts, body),
      },
    })
    expect(response.statusCode).toBe(200)
    expect(await response.body.json()).toEqual({ op: 12, d: 0 })
    await client.idle()
    expect(handled).toEqual([(event.d as { id: string }).id])
  })
})
