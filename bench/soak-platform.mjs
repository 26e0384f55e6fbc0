// The fake platform for bench/soak.mjs, in its own process: sends message events at a steady rate from many
// senders (group members, C2C users, guild members) and counts the bot's replies. Keeps no per-event state.
import { startFakePlatform, c2cMessage, groupAtMessage, guildAtMessage } from '../packages/fake-platform/dist/index.js'

// Resume replay is not exercised here: a short log keeps this process small over a long soak.
const platform = await startFakePlatform({ heartbeatIntervalMs: 30_000, logRetention: 5_000 })
let replies = 0
let errors = 0
let sent = 0
/** When event `i` was due, for the reply latency: the events go out at a steady rate from `startedAt`. */
let dueAt = () => NaN
/** Reply latencies (ms) since the last `counts`. */
let latencies = []

platform.onRequest((call) => {
  if (call.method !== 'POST' || !call.path.endsWith('/messages')) return
  if (call.status >= 300) errors++
  else replies++
  const pong = /^pong (\d+)$/.exec(call.body?.content ?? '')
  if (pong) latencies.push(call.at - dueAt(Number(pong[1])))
})

/** Distinct senders per scene: one sender's events are handled in order, one at a time. */
const SENDERS = 5_000
const GROUPS = 200
const builders = {
  group: (i) =>
    groupAtMessage({
      content: `/ping ${i}`,
      groupOpenid: `group-${i % GROUPS}`,
      memberOpenid: `member-${i % SENDERS}`,
    }),
  c2c: (i) => c2cMessage({ content: `/ping ${i}`, userOpenid: `user-${i % SENDERS}` }),
  guild: (i) =>
    guildAtMessage({ content: `/ping ${i}`, authorId: `author-${i % SENDERS}`, channelId: `channel-${i % GROUPS}` }),
}

async function run({ rate, seconds, scenes }) {
  const makers = scenes.map((scene) => builders[scene])
  await platform.waitForReady(1, 30_000)
  const startedAt = Date.now()
  dueAt = (i) => startedAt + (i * 1000) / rate
  const endsAt = startedAt + seconds * 1000
  let lastClear = startedAt
  while (Date.now() < endsAt) {
    const due = Math.floor(((Date.now() - startedAt) / 1000) * rate)
    for (; sent < due; sent++) platform.dispatchEvent(makers[sent % makers.length](sent))
    if (Date.now() - lastClear > 5_000) {
      platform.clearRecords()
      lastClear = Date.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  platform.clearRecords()
  process.send({ type: 'done', sent, elapsedMs: Date.now() - startedAt })
}

process.on('message', (message) => {
  if (message.type === 'run') void run(message)
  if (message.type === 'counts') {
    const rss = process.memoryUsage.rss()
    const sorted = latencies.sort((a, b) => a - b)
    const at = (q) => Math.round(sorted[Math.floor(q * (sorted.length - 1))] ?? NaN)
    latencies = []
    const latency = { p50: at(0.5), p99: at(0.99), max: at(1) }
    process.send({ type: 'counts', sent, replies, errors, latency, platformRssMb: rss / 2 ** 20 })
  }
})

process.send({ type: 'ready', url: platform.url, appId: platform.appId, secret: platform.secret })
