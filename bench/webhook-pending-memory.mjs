// What one pending webhook event costs in memory, to size webhook.maxPendingEvents: signed group callbacks handed
// to client.webhook.nodeHandler() as already-read requests, each ACKed, while the handler holds every event
// (it resolves only when told). Reads heapUsed, external and RSS after a forced collection with no event
// pending (after a warm-up), with PENDING events accepted and unfinished, and after they are all finished.
//   node --expose-gc bench/webhook-pending-memory.mjs [pending, default 20,000]
// BENCH_CONTENT_CHARS (default 40) sets the message text's length; ids and openids have the platform's lengths.
import { randomBytes } from 'node:crypto'
import { setImmediate as tick } from 'node:timers/promises'
import { createClient } from '../packages/core/dist/index.js'
import { WebhookDeliverer } from '../packages/fake-platform/dist/index.js'
import { signedRequest } from './signed-request.mjs'

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
const PENDING = Number(process.argv[2] ?? 20_000)
const WARMUP = 2_000
const CONTENT_CHARS = Number(process.env.BENCH_CONTENT_CHARS ?? 40)
const ACK = '{"op":12,"d":0}'
const appId = '102000001'
const secret = 'bench-secret-0123456789abcdef'

const client = createClient({
  appId,
  secret,
  hosts: { api: 'http://127.0.0.1:9' },
  logLevel: 'silent',
  source: 'webhook',
  // No 503 and no held ACK: this measures what accepted events cost, not the cap.
  webhook: { listen: false, maxPendingEvents: 10_000_000, ackBudgetMs: 0 },
})
let release
let released = new Promise((resolve) => (release = resolve))
client.on('GROUP_AT_MESSAGE_CREATE', () => released)
await client.start()
const handle = client.webhook.nodeHandler()
const deliverer = new WebhookDeliverer(appId, secret)
const timestamp = String(Math.floor(Date.now() / 1000))
const hex = (bytes) => randomBytes(bytes).toString('hex').toUpperCase()
const groups = Array.from({ length: 50 }, () => hex(16))
const text = '/ping ' + 'x'.repeat(Math.max(0, CONTENT_CHARS - 6))

/** One signed callback as the platform sends it: ids and openids of the platform's lengths. */
function request(i) {
  const member = hex(16)
  const group = groups[i % groups.length]
  const body = JSON.stringify({
    op: 0,
    id: `GROUP_AT_MESSAGE_CREATE:${hex(20).toLowerCase()}`,
    t: 'GROUP_AT_MESSAGE_CREATE',
    d: {
      id: `ROBOT1.0_${hex(24)}`,
      content: ` ${text}`,
      timestamp: new Date().toISOString(),
      author: { id: member, member_openid: member, union_openid: '' },
      group_id: group,
      group_openid: group,
      attachments: [],
      message_scene: { source: 'default' },
      message_type: 0,
    },
  })
  return signedRequest(deliverer, timestamp, body)
}

/** Hands `count` callbacks to the endpoint, one at a time, each answered with an ACK. */
async function deliver(count) {
  for (let i = 0; i < count; i++) {
    let answer
    handle(request(i), { headersSent: false, writeHead: () => undefined, end: (body) => (answer = body) })
    while (answer === undefined) await tick()
    if (answer !== ACK) throw new Error(`not an ACK: ${answer}`)
  }
}

async function settled() {
  for (let i = 0; i < 3; i++) {
    await tick()
    globalThis.gc()
  }
  const { heapUsed, external, rss } = process.memoryUsage()
  return { heapUsed, external, rss }
}

async function finishAll() {
  release()
  await client.idle()
  released = new Promise((resolve) => (release = resolve))
}

await deliver(WARMUP)
await finishAll()
const idle = await settled()
await deliver(PENDING)
const pending = client.metrics().gauges.webhook_pending
const held = await settled()
await finishAll()
const after = await settled()
const perEvent = (key, to) => Math.round((to[key] - idle[key]) / PENDING)
console.log(
  JSON.stringify({
    pending,
    contentChars: CONTENT_CHARS,
    bodyBytes: request(0).rawBody.length,
    heapBytesPerPendingEvent: perEvent('heapUsed', held),
    externalBytesPerPendingEvent: perEvent('external', held),
    rssBytesPerPendingEvent: perEvent('rss', held),
    // What stays once they are finished (the dedupe cache's key, bounded on its own by pipeline.dedupeMaxEntries).
    heapBytesPerFinishedEvent: perEvent('heapUsed', after),
    heapMbWithPending: Number((held.heapUsed / 2 ** 20).toFixed(1)),
    rssMbWithPending: Number((held.rss / 2 ** 20).toFixed(1)),
  }),
)
await client.stop()
process.exit(0)
