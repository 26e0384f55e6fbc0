// npm run bench: a burst of N message events from the fake platform, each answered with a passive reply,
// by the raw floor and by @qqbot/core, in the same run. Medians of RUNS runs. Not a test: a report.
import { fork } from 'node:child_process'
import { machineLine, median, nextMessage, startPlatformChild } from './ipc.mjs'
import { fileURLToPath } from 'node:url'

const COUNT = Number(process.env.BENCH_EVENTS ?? 20_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const impls = [
  { name: 'raw floor', file: 'bot-raw.mjs' },
  { name: '@qqbot/core', file: 'bot-core.mjs' },
  { name: '@qqbot/framework', file: 'bot-framework.mjs' },
]
// BENCH_PROFILE=dir writes a CPU profile of each bot process there.
const profileArgs = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
const scenes = (process.env.BENCH_SCENES ?? 'guild,group').split(',')

async function runOnce(impl, scene) {
  const { platform, env } = await startPlatformChild()
  const bot = fork(here(impl.file), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: profileArgs, env })
  try {
    await nextMessage(bot, 'ready')
    platform.send({ type: 'burst', count: COUNT, scene })
    const result = await nextMessage(platform, 'done')
    bot.send({ type: 'stats' })
    const stats = await nextMessage(bot, 'stats')
    return { ...result, ...stats, evPerSec: (result.replies / result.elapsedMs) * 1000 }
  } finally {
    bot.kill('SIGINT')
    platform.kill()
  }
}

console.log(`# qqbot gateway burst benchmark`)
console.log(machineLine())
console.log(`${COUNT} events per run, median of ${RUNS} runs, platform and bot in separate processes\n`)
const rows = []
for (const scene of scenes) {
  const results = {}
  for (let run = 0; run < RUNS; run++) {
    // Interleave the implementations so drift in machine load hits both alike.
    for (const impl of impls) (results[impl.name] ??= []).push(await runOnce(impl, scene))
  }
  const floor = median(results['raw floor'].map((r) => r.evPerSec))
  for (const impl of impls) {
    const r = results[impl.name]
    rows.push({
      scene,
      impl: impl.name,
      'ev/s': Math.round(median(r.map((x) => x.evPerSec))),
      'vs floor': (median(r.map((x) => x.evPerSec)) / floor).toFixed(2),
      'p50 ms': median(r.map((x) => x.p50)),
      'p99 ms': median(r.map((x) => x.p99)),
      'peak RSS MB': Math.round(median(r.map((x) => x.maxRssMb))),
      'peak sockets': Math.max(...r.map((x) => x.peakConnections)),
      'CPU ms/1k ev': Math.round(median(r.map((x) => (x.cpuMs / COUNT) * 1000))),
      lost: Math.max(...r.map((x) => x.lost)),
    })
  }
}
const columns = Object.keys(rows[0])
console.log(`| ${columns.join(' | ')} |`)
console.log(`|${columns.map(() => '---').join('|')}|`)
for (const row of rows) console.log(`| ${columns.map((c) => row[c]).join(' | ')} |`)
