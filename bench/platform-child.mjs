// The fake platform in its own process, driven over IPC by gateway-burst.mjs and webhook-burst.mjs.
import { startFakePlatform, groupAtMessage, guildAtMessage } from '../packages/fake-platform/dist/index.js'

const platform = await startFakePlatform({ heartbeatIntervalMs: 30_000, logRetention: 50_000 })
const dispatchedAt = new Map()
const latencies = []
let replies = 0
let errors = 0
let onReply = () => {}

platform.onRequest((call) => {
  if (call.method !== 'POST' || !call.path.endsWith('/messages')) return
  if (call.status >= 300) return void errors++
  const sentAt = dispatchedAt.get(call.body?.msg_id)
  if (sentAt !== undefined) latencies.push(call.at - sentAt)
  replies++
  onReply()
})

/** Distinct senders the burst comes from. */
const SENDERS = 1_000

/** `count` events at `rate` a second: what was due is dispatched every 10 ms, as steady traffic arrives. */
async function dispatchPaced(count, rate, eventAt) {
  const startedAt = Date.now()
  let sent = 0
  while (sent < count) {
    const due = Math.min(count, Math.floor(((Date.now() - startedAt) * rate) / 1000) + 1)
    if (due > sent) {
      const from = sent
      await platform.dispatchBurst(due - from, (j) => eventAt(from + j))
      sent = due
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

process.on('message', async (message) => {
  if (message.type !== 'burst') return
  await platform.waitForReady(1, 30_000)
  const make = message.scene === 'guild' ? guildAtMessage : groupAtMessage
  platform.resetConnectionStats()
  // Each burst is counted on its own (a warm-up burst may come first).
  replies = errors = 0
  latencies.length = 0
  dispatchedAt.clear()
  const done = new Promise((resolve) => {
    onReply = () => replies >= message.count && resolve()
  })
  const startedAt = Date.now()
  const eventAt = (i) => {
    // Spread over many senders, as real traffic is: one sender's events are handled in order, one at a time.
    const sender = `member-${i % SENDERS}`
    const event = make({ content: `/ping ${i}`, memberOpenid: sender, authorId: sender })
    dispatchedAt.set(event.d.id, Date.now())
    return event
  }
  if (message.rate) await dispatchPaced(message.count, message.rate, eventAt)
  else await platform.dispatchBurst(message.count, eventAt)
  const timeout = new Promise((resolve) => setTimeout(resolve, message.timeoutMs ?? 120_000))
  await Promise.race([done, timeout])
  const elapsedMs = Date.now() - startedAt
  latencies.sort((a, b) => a - b)
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  process.send({
    type: 'done',
    elapsedMs,
    replies,
    errors,
    lost: message.count - replies,
    p50: pick(0.5),
    p99: pick(0.99),
    peakConnections: platform.httpConnections.peak,
  })
})

// webhook-burst.mjs: another process sends the callbacks; this one counts the replies until `count` arrived.
process.on('message', async (message) => {
  if (message.type !== 'await-replies') return
  replies = errors = 0
  let lastReplyAt = 0
  const done = new Promise((resolve) => {
    onReply = () => {
      lastReplyAt = Date.now()
      if (replies >= message.count) resolve()
    }
  })
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, message.timeoutMs ?? 120_000))])
  process.send({ type: 'replies', replies, errors, lastReplyAt, lost: message.count - replies })
})

process.send({
  type: 'ready',
  url: platform.url,
  gatewayUrl: platform.gatewayUrl,
  appId: platform.appId,
  secret: platform.secret,
})
