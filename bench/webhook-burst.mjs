// npm run bench:webhook: a burst of N signed callbacks from a sender process, 64 in flight, each a message the
// bot answers with a passive reply, by the webhook floor and by @qqbot/core, in the same run. A fraction of the
// requests is forged. Medians of RUNS runs. Not a test: a report.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { machineLine, median, nextMessage, startPlatformChild } from './ipc.mjs'

const COUNT = Number(process.env.BENCH_EVENTS ?? 20_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 64)
const FORGED = Number(process.env.BENCH_FORGED ?? 0.05)
// BENCH_RATE=<requests/s>: send on a schedule (say, the floor's acks/s) to read the ACK latency at that rate.
const RATE = Number(process.env.BENCH_RATE ?? 0) || undefined
// BENCH_WARMUP=<events>: callbacks each bot answers before the measured burst (same rate and forged share), so
// that both are measured warm (their hot paths compiled), as a long-running bot is; 0 measures cold processes.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5_000)
const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const impls = [
  { name: 'webhook floor', file: 'bot-webhook-raw.mjs' },
  { name: '@qqbot/core', file: 'bot-webhook-core.mjs' },
]
const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
const scenes = (process.env.BENCH_SCENES ?? 'group').split(',')

async function runOnce(impl, scene) {
  const { platform, env } = await startPlatformChild()
  const bot = fork(here(impl.file), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: profileArgs, env })
  const sender = fork(here('webhook-sender.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env })
  try {
    const [{ url }] = await Promise.all([nextMessage(bot, 'ready'), nextMessage(sender, 'ready')])
    const burst = async (count) => {
      const replied = nextMessage(platform, 'replies')
      platform.send({ type: 'await-replies', count })
      const sent = nextMessage(sender, 'sent')
      sender.send({ type: 'send', url, count, scene, forged: FORGED, inFlight: IN_FLIGHT, rate: RATE })
      return Promise.all([sent, replied])
    }
    if (WARMUP > 0) await burst(WARMUP)
    // CPU and the bot's counters are counted from here: neither starting up (heavier for the framework) nor the
    // warm-up is spread over the measured events.
    bot.send({ type: 'stats' })
    const before = await nextMessage(bot, 'stats')
    const [acks, replies] = await burst(COUNT)
    bot.send({ type: 'stats' })
    const stats = await nextMessage(bot, 'stats')
    return {
      ...acks,
      ...replies,
      ...stats,
      forged: stats.forged - before.forged,
      logLines: stats.logLines - before.logLines,
      held: stats.held - before.held,
      overBudget: stats.overBudget - before.overBudget,
      cpuMs: stats.cpuMs - before.cpuMs,
      acksPerSec: (acks.acks / (acks.lastAckAt - acks.startedAt)) * 1000,
      repliesPerSec: (replies.replies / (replies.lastReplyAt - acks.startedAt)) * 1000,
      refused: acks.statuses[503] ?? 0,
    }
  } finally {
    bot.kill('SIGINT')
    sender.kill()
    platform.kill()
  }
}

console.log(`# qqbot webhook burst benchmark`)
console.log(machineLine())
console.log(
  `${COUNT} events per run${WARMUP > 0 ? ` after a warm-up of ${WARMUP}` : ', cold processes'} (plus ${Math.round(FORGED * 100)}% forged requests), ${IN_FLIGHT} callbacks in flight, ` +
    `${RATE ? `sent at ${RATE} requests/s, ` : ''}median of ${RUNS} runs; sender, platform and bot in separate processes\n`,
)
const rows = []
for (const scene of scenes) {
  const results = {}
  for (let run = 0; run < RUNS; run++) {
    // Interleave the implementations so drift in machine load hits both alike.
    for (const impl of impls) (results[impl.name] ??= []).push(await runOnce(impl, scene))
  }
  const of = (name, key) => median(results[name].map((r) => r[key]))
  const floor = impls[0].name
  const ratio = (name, key) => (of(name, key) / of(floor, key)).toFixed(2)
  for (const impl of impls) {
    const r = results[impl.name]
    const cpuPerK = (x) => (x.cpuMs / COUNT) * 1000
    const floorCpu = median(results[floor].map(cpuPerK))
    rows.push({
      scene,
      impl: impl.name,
      'acks/s': Math.round(of(impl.name, 'acksPerSec')),
      'vs floor': ratio(impl.name, 'acksPerSec'),
      'replies/s': Math.round(of(impl.name, 'repliesPerSec')),
      'replies vs floor': ratio(impl.name, 'repliesPerSec'),
      'ack p50 ms': of(impl.name, 'ackP50').toFixed(1),
      'ack p99 ms': of(impl.name, 'ackP99').toFixed(1),
      'ack max ms': of(impl.name, 'ackMax').toFixed(0),
      'p99 vs floor': ratio(impl.name, 'ackP99'),
      'CPU ms/1k ev': Math.round(median(r.map(cpuPerK))),
      'CPU vs floor': (median(r.map(cpuPerK)) / floorCpu).toFixed(2),
      'peak RSS MB': Math.round(of(impl.name, 'maxRssMb')),
      'RSS vs floor': ratio(impl.name, 'maxRssMb'),
      'forged / log lines': `${Math.max(...r.map((x) => x.forged))} / ${Math.max(...r.map((x) => x.logLines))}`,
      'ACKs held / over budget': `${Math.max(...r.map((x) => x.held))} / ${Math.max(...r.map((x) => x.overBudget))}`,
      '503s': Math.max(...r.map((x) => x.refused)),
      lost: Math.max(...r.map((x) => x.lost)),
    })
  }
}
const columns = Object.keys(rows[0])
console.log(`| ${columns.join(' | ')} |`)
console.log(`|${columns.map(() => '---').join('|')}|`)
for (const row of rows) console.log(`| ${columns.map((c) => row[c]).join(' | ')} |`)
