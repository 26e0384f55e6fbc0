// npm run bench:stream: STREAMS concurrent C2C streamed replies of CHUNKS chunks each through client.stream(),
// against a baseline in the same run: as many HTTP requests sent as plain client.reply() calls, paced alike,
// so the ratios show what the stream machinery costs per frame. Not a test: a report.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { machineLine, median, nextMessage } from './ipc.mjs'

const STREAMS = Number(process.env.BENCH_STREAMS ?? 200)
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 50)
/** The platform's minimum between frames: the stream sends every chunk as soon as it may. */
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 300)
/** Chunks come slower than the interval, so each one gets a frame of its own (none is coalesced). */
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 500)
const RUNS = Number(process.env.BENCH_RUNS ?? 1)
const REPLY_BUDGET = 100
const here = (file) => fileURLToPath(new URL(file, import.meta.url))

async function runOnce(mode, replies) {
  const platform = fork(here('stream-platform.mjs'), {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_REPLY_BUDGET: String(REPLY_BUDGET) },
  })
  let bot
  try {
    const info = await nextMessage(platform, 'ready')
    bot = fork(here('bot-stream.mjs'), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        QQBOT_URL: info.url,
        QQBOT_APP_ID: info.appId,
        QQBOT_SECRET: info.secret,
        BENCH_MODE: mode,
        BENCH_STREAMS: String(STREAMS),
        BENCH_CHUNKS: String(CHUNKS),
        BENCH_PACE_MS: String(PACE_MS),
        BENCH_INTERVAL_MS: String(INTERVAL_MS),
        BENCH_REPLIES: String(replies ?? 0),
        BENCH_REPLY_BUDGET: String(REPLY_BUDGET),
      },
    })
    await nextMessage(bot, 'ready')
    const answered = nextMessage(bot, 'answered')
    platform.send({ type: 'burst', count: STREAMS })
    const { failed, firstFailure, cpuMs } = await answered
    if (failed > 0) throw new Error(`${mode}: ${failed} conversations failed; the first: ${firstFailure}`)
    platform.send({ type: 'report' })
    const report = await nextMessage(platform, 'report')
    if (report.errors > 0)
      throw new Error(`${mode}: the platform refused ${report.errors} requests: ${JSON.stringify(report.firstErrors)}`)
    bot.send({ type: 'stats' })
    const { maxRssMb } = await nextMessage(bot, 'stats')
    return { ...report, cpuMs, maxRssMb }
  } finally {
    bot?.kill('SIGINT')
    platform.kill()
  }
}

console.log(`# qqbot streamed-reply benchmark`)
console.log(machineLine())
console.log(
  `${STREAMS} concurrent C2C streams × ${CHUNKS} chunks, a chunk every ${PACE_MS} ms, intervalMs ${INTERVAL_MS} ` +
    `(the platform's minimum), so every chunk is one frame; baseline: the same number of requests as plain ` +
    `client.reply() calls at the same pace. Median of ${RUNS} run(s); platform and bot in separate processes; ` +
    `CPU is the bot's (user + system) after start-up.\n`,
)
const results = { stream: [], reply: [] }
for (let run = 0; run < RUNS; run++) {
  const streamed = await runOnce('stream')
  results.stream.push(streamed)
  // Every stream also sent a typing indicator: the baseline sends as many requests per conversation in all.
  results.reply.push(await runOnce('reply', Math.round(streamed.requests / STREAMS)))
}

const figures = (runs) => ({
  requests: median(runs.map((r) => r.requests)),
  frames: median(runs.map((r) => r.frames)),
  cpuPerRequest: median(runs.map((r) => r.cpuMs / r.requests)),
  sockets: Math.max(...runs.map((r) => r.peakConnections)),
  rss: median(runs.map((r) => r.maxRssMb)),
  wall: median(runs.map((r) => r.elapsedMs / 1000)),
})
const base = figures(results.reply)
const streamed = figures(results.stream)
const cell = (value, baseline, digits = 0) => `${value.toFixed(digits)} (${(value / baseline).toFixed(2)}×)`
const rows = [
  ['plain replies (baseline)', base],
  ['client.stream()', streamed],
].map(([name, f]) => [
  name,
  f.frames === 0 ? `${f.requests} replies` : `${f.requests} (${f.frames} frames, ${f.requests - f.frames} typing)`,
  cell(f.cpuPerRequest, base.cpuPerRequest, 3),
  cell(f.sockets, base.sockets),
  cell(f.rss, base.rss),
  cell(f.wall, base.wall, 1),
])
const columns = ['bot', 'requests sent', 'CPU ms/request', 'peak sockets', 'peak RSS MB', 'wall s']
console.log(`| ${columns.join(' | ')} |`)
console.log(`|${columns.map(() => '---').join('|')}|`)
for (const row of rows) console.log(`| ${row.join(' | ')} |`)
