// The core's webhook path in one process, for CPU per event without an HTTP server in the way: signed callbacks
// handed to client.webhook.nodeHandler() as already-read requests (64 in flight), the real pipeline, and
// client.reply() over undici to the fake platform in its own process. Prints the bot's CPU (user + system) per
// 1,000 events, after a warm-up. To compare two builds, pass another build's core entry point; `floor` runs the
// webhook floor's work instead (bench/webhook-path-floor.mjs: verify, JSON.parse, ACK, an undici Pool reply):
//   node bench/webhook-path.mjs [path/to/core/dist/index.js | floor, default this checkout's core] [events, default 10,000]
// Under `valgrind --tool=callgrind` the difference between two event counts gives instructions per event; or, with
// BENCH_PAUSE=1, it prints `warm <pid>` once warmed up and the requests signed, and goes on at SIGUSR2: zero the
// counts then (`callgrind_control -z <pid>`) and the run's total divided by the events is the measured part alone.
// Counts of one build still spread by several percent between runs, mostly in the JIT compiler (which functions
// get optimized when, on background threads); `node --predictable` runs compilation and collection on the main
// thread at repeatable points, and the compiler's share (`v8::internal::compiler::` and friends) can be left out.
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { startPlatformChild } from './ipc.mjs'
import { WebhookDeliverer, groupAtMessage } from '../packages/fake-platform/dist/index.js'
import { signedRequest } from './signed-request.mjs'
import { startFloor } from './webhook-path-floor.mjs'

const entry = process.argv[2] || new URL('../packages/core/dist/index.js', import.meta.url).pathname
const EVENTS = Number(process.argv[3] ?? 10_000)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000)
const IN_FLIGHT = 64
const ACK = '{"op":12,"d":0}'

const { platform, env } = await startPlatformChild()
let replied = 0
let onReplied = () => {}
const countReply = () => {
  replied++
  onReplied()
}
const bot = entry === 'floor' ? await startFloorBot() : await startCoreBot()
const handle = bot.handle
const deliverer = new WebhookDeliverer(env.QQBOT_APP_ID, env.QQBOT_SECRET)
const timestamp = String(Math.floor(Date.now() / 1000))

function prepare(from, count) {
  const requests = []
  for (let i = from; i < from + count; i++) {
    const sender = `member-${i % 1_000}`
    const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: sender, authorId: sender })
    const body = JSON.stringify({ id: `${event.t}:${i}`, op: 0, t: event.t, d: event.d })
    requests.push(signedRequest(deliverer, timestamp, body))
  }
  return requests
}

async function run(requests) {
  replied = 0
  let acked = 0
  let inFlight = 0
  let next = 0
  const allReplied = new Promise((resolve) => (onReplied = () => replied === requests.length && resolve()))
  await new Promise((allAcked) => {
    const pump = () => {
      while (inFlight < IN_FLIGHT && next < requests.length) {
        inFlight++
        const response = {
          headersSent: false,
          writeHead: () => response,
          end(body) {
            if (body !== ACK) throw new Error(`not an ACK: ${body}`)
            acked++
            inFlight--
            setImmediate(pump)
          },
        }
        handle(requests[next++], response)
      }
      if (acked === requests.length) allAcked()
    }
    pump()
  })
  await allReplied
}

await run(prepare(1_000_000, WARMUP))
const requests = prepare(0, EVENTS)
if (process.env.BENCH_PAUSE) {
  const resumed = new Promise((resolve) => process.once('SIGUSR2', resolve))
  console.error(`warm ${process.pid}`)
  await resumed
}
const before = process.cpuUsage()
await run(requests)
const used = process.cpuUsage(before)
console.log(
  JSON.stringify({
    entry,
    events: EVENTS,
    cpuMsPer1kEvents: Number(((used.user + used.system) / EVENTS).toFixed(1)),
    userMsPer1kEvents: Number((used.user / EVENTS).toFixed(1)),
    systemMsPer1kEvents: Number((used.system / EVENTS).toFixed(1)),
  }),
)
await bot.stop()
platform.kill()
process.exit(0)

async function startCoreBot() {
  const { createClient } = await import(pathToFileURL(resolve(entry)).href)
  const client = createClient({
    appId: env.QQBOT_APP_ID,
    secret: env.QQBOT_SECRET,
    hosts: { api: env.QQBOT_URL },
    logLevel: 'silent',
    source: 'webhook',
    // No 503s here: this measures the path, not the cap. The skew window is widened (the check still runs): under
    // callgrind, signing the requests and running them takes longer than the default 5 minutes.
    webhook: { listen: false, maxPendingEvents: 1_000_000, maxSkewSeconds: 3_600 },
  })
  client.on('GROUP_AT_MESSAGE_CREATE', (event) => {
    const match = /\/ping (\d+)/.exec(event.data.content)
    return client.reply(event, `pong ${match[1]}`).then(countReply)
  })
  await client.start()
  return { handle: client.webhook.nodeHandler(), stop: () => client.stop() }
}

function startFloorBot() {
  return startFloor({ url: env.QQBOT_URL, appId: env.QQBOT_APP_ID, secret: env.QQBOT_SECRET }, countReply)
}
