// The platform's callback sender, in its own process, driven over IPC by webhook-burst.mjs: signs every callback
// before the clock starts, then POSTs them with a fixed number in flight, as the platform does. A 503 is sent
// again after a pause (the platform redelivers what it got no ACK for); forged requests carry a random signature.
// With a rate (requests per second), requests leave on a schedule instead of as fast as the bot answers.
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { Pool } from 'undici'
import { WebhookDeliverer, groupAtMessage, guildAtMessage } from '../packages/fake-platform/dist/index.js'

const { QQBOT_APP_ID: appId, QQBOT_SECRET: secret } = process.env
const SENDERS = 1_000
const REDELIVERY_DELAY_MS = 100

/** `count` signed dispatches, with a forged request after every `1 / forged - 1` of them. */
function prepare(count, scene, forged) {
  const deliverer = new WebhookDeliverer(appId, secret)
  const make = scene === 'guild' ? guildAtMessage : groupAtMessage
  const stride = forged > 0 ? Math.round(1 / forged) : Infinity
  const timestamp = String(Math.floor(Date.now() / 1000))
  const requests = []
  for (let genuine = 0; genuine < count;) {
    const sender = `member-${genuine % SENDERS}`
    const event = make({ content: `/ping ${genuine}`, memberOpenid: sender, authorId: sender })
    const body = JSON.stringify({ id: `${event.t}:${genuine}`, op: 0, t: event.t, d: event.d })
    const isForged = (requests.length + 1) % stride === 0
    const signature = isForged ? randomBytes(64).toString('hex') : deliverer.sign(timestamp, body)
    requests.push({ body, forged: isForged, headers: headers(timestamp, signature) })
    if (!isForged) genuine++
  }
  return requests
}

function headers(timestamp, signature) {
  return {
    'content-type': 'application/json',
    'user-agent': 'QQBot-Callback',
    'x-bot-appid': appId,
    'x-signature-timestamp': timestamp,
    'x-signature-ed25519': signature,
  }
}

async function send({ url, count, scene, forged, inFlight, rate }) {
  const target = new URL(url)
  const requests = prepare(count, scene, forged)
  const pool = new Pool(target.origin, { connections: inFlight })
  const ackLatencies = []
  const statuses = {}
  let lastAckAt = 0
  let next = 0
  const post = async (request) => {
    const sentAt = performance.now()
    const response = await pool.request({
      path: target.pathname,
      method: 'POST',
      headers: request.headers,
      body: request.body,
    })
    await response.body.dump()
    statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1
    if (response.statusCode === 200 && !request.forged) {
      ackLatencies.push(performance.now() - sentAt)
      lastAckAt = Date.now()
    }
    return response.statusCode
  }
  const worker = async () => {
    while (next < requests.length) {
      const i = next++
      const request = requests[i]
      // With a rate, request i leaves at its time (open loop) unless all slots are busy; without, at once.
      const due = rate ? startedAtPerf + (i / rate) * 1000 - performance.now() : 0
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due))
      while ((await post(request)) === 503) await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS))
    }
  }
  const startedAt = Date.now()
  const startedAtPerf = performance.now()
  await Promise.all(Array.from({ length: inFlight }, worker))
  await pool.close()
  ackLatencies.sort((a, b) => a - b)
  const pick = (q) => ackLatencies[Math.min(ackLatencies.length - 1, Math.floor(q * ackLatencies.length))] ?? NaN
  process.send({
    type: 'sent',
    startedAt,
    lastAckAt,
    acks: ackLatencies.length,
    forged: requests.length - count,
    statuses,
    ackP50: pick(0.5),
    ackP99: pick(0.99),
    ackMax: ackLatencies.at(-1) ?? NaN,
  })
}

process.on('message', (message) => {
  if (message.type === 'send') void send(message)
})
process.send({ type: 'ready' })
