// npm run bench:soak: a steady stream of message events for BENCH_SECONDS, each answered with a passive reply,
// then BENCH_IDLE_SECONDS with no traffic; samples the bot's memory and says whether it levels off (the RSS
// peak of the last quarter within +5% of the quarter before's) and falls back after idle. Not a test: a report.
// A heap snapshot stalls the bot for seconds and inflates its RSS: runs with snapshots are for analysis only.
//   BENCH_SECONDS (600)  BENCH_RATE (1500 ev/s)  BENCH_IDLE_SECONDS (60)  BENCH_SAMPLE_SECONDS (5)
//   BENCH_BOT=core|framework (core)  BENCH_SCENES=group,c2c,guild (events take turns; C2C's reply window is 60 min)
//   BENCH_SNAPSHOTS=30,90,idle   heap snapshots at those seconds into the load (and after idle), written to
//   BENCH_SNAPSHOT_DIR (os.tmpdir()); compare two with bench/heap-diff.mjs.
//   BENCH_PROMOTED_PROFILE=file.heapprofile   samples the allocations that outlived a scavenge over the load (promoted
//   to the old generation, live or collected later by a major GC); list its allocation sites with
//   bench/heap-profile-top.mjs, or open it in Chrome DevTools (Memory tab).
//   BENCH_BALLAST_MB=80   live objects the bot holds for the whole run: a soak at a rate this machine sustains then
//   has the live heap of a longer or faster one (the collector paces itself by the live heap).
//   BENCH_GC=1   runs the bot with --expose-gc and collects before the after-idle reading.
//   BENCH_NODE_FLAGS="--max-semi-space-size=32 --trace-gc-nvp"   more node/V8 flags for the bot process (split on
//   spaces), to measure a production setting with and without; bench/gc-trace.mjs reads a --trace-gc-nvp log.
import { fork } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { machineLine, nextMessage } from './ipc.mjs'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 600)
const RATE = Number(process.env.BENCH_RATE ?? 1500)
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60)
const SAMPLE_SECONDS = Number(process.env.BENCH_SAMPLE_SECONDS ?? 5)
const BOT = process.env.BENCH_BOT ?? 'core'
const SCENES = (process.env.BENCH_SCENES ?? 'group,c2c,guild').split(',')
const SNAPSHOTS = (process.env.BENCH_SNAPSHOTS ?? '').split(',').filter(Boolean)
const SNAPSHOT_DIR = process.env.BENCH_SNAPSHOT_DIR ?? tmpdir()
const GC = process.env.BENCH_GC === '1'
const PROMOTED_PROFILE = process.env.BENCH_PROMOTED_PROFILE
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
if (SNAPSHOTS.length > 0) mkdirSync(SNAPSHOT_DIR, { recursive: true })
const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const mb = (bytes) => Math.round(bytes / 2 ** 20)

const ask = async (child, type, extra = {}) => {
  const reply = nextMessage(child, type)
  child.send({ type, ...extra })
  return reply
}

const platform = fork(here('soak-platform.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
const info = await nextMessage(platform, 'ready')
const env = { ...process.env, QQBOT_URL: info.url, QQBOT_APP_ID: info.appId, QQBOT_SECRET: info.secret }
const execArgv = ['--import', here('soak-probe.mjs'), ...(GC ? ['--expose-gc'] : []), ...NODE_FLAGS]
const bot = fork(here(BOT === 'framework' ? 'bot-framework.mjs' : 'bot-core.mjs'), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  execArgv,
  env,
})

const samples = []
const sample = async (phase, t) => {
  const memory = await ask(bot, 'memory')
  const counts = await ask(platform, 'counts')
  const row = { phase, t, ...memory, ...counts }
  samples.push(row)
  console.log(
    `${phase.padEnd(5)} t=${String(t).padStart(4)}s rss ${mb(row.rss)} MB heapUsed ${mb(row.heapUsed)} MB external ${mb(row.external)} MB` +
      ` | sent ${row.sent} replies ${row.replies} errors ${row.errors}` +
      ` (reply latency p50/p99/max ${row.latency.p50}/${row.latency.p99}/${row.latency.max} ms)` +
      ` | platform ${Math.round(row.platformRssMb)} MB`,
  )
  return row
}
const snapshot = async (label) => {
  const path = join(SNAPSHOT_DIR, `soak-${BOT}-${label}-${process.pid}.heapsnapshot`)
  await ask(bot, 'snapshot', { path })
  console.log(`snapshot ${label}: ${path}`)
}

try {
  console.log(
    `# qqbot soak: @qqbot/${BOT}, ${RATE} ev/s (${SCENES.join(', ')}) for ${SECONDS} s, then ${IDLE_SECONDS} s idle` +
      (NODE_FLAGS.length > 0 ? `, bot flags: ${NODE_FLAGS.join(' ')}` : ''),
  )
  console.log(machineLine())
  await nextMessage(bot, 'ready')
  const floor = await sample('ready', 0)
  const startedAt = Date.now()
  const done = nextMessage(platform, 'done')
  platform.send({ type: 'run', rate: RATE, seconds: SECONDS, scenes: SCENES })
  const pending = new Set(SNAPSHOTS.filter((s) => s !== 'idle').map(Number))
  // The collector is accounted for over the last half of the load, past the warm-up (compiling, maps growing).
  let accountedFrom
  for (let t = SAMPLE_SECONDS; t <= SECONDS; t += SAMPLE_SECONDS) {
    await new Promise((resolve) => setTimeout(resolve, startedAt + t * 1000 - Date.now()))
    const row = await sample('load', t)
    if (!accountedFrom && t >= SECONDS / 2) {
      accountedFrom = row
      await ask(bot, 'gc-accounting-start')
      if (PROMOTED_PROFILE) await ask(bot, 'promoted-sampling-start')
    }
    for (const at of pending)
      if (at <= t) {
        pending.delete(at)
        await snapshot(`${at}s`)
      }
  }
  await done
  const gcs = await ask(bot, 'gc-accounting-stop')
  if (PROMOTED_PROFILE) {
    await ask(bot, 'promoted-sampling-stop', { path: PROMOTED_PROFILE })
    console.log(`promoted allocations: ${PROMOTED_PROFILE}`)
  }
  const handled = (await ask(platform, 'counts')).replies - accountedFrom.replies
  // Idle: no events; timers (reply windows, dedupe windows) run down.
  const idleStart = Date.now()
  for (let t = SAMPLE_SECONDS; t <= IDLE_SECONDS; t += SAMPLE_SECONDS) {
    await new Promise((resolve) => setTimeout(resolve, idleStart + t * 1000 - Date.now()))
    await sample('idle', SECONDS + t)
  }
  if (GC) await ask(bot, 'gc')
  const after = await sample('after', SECONDS + IDLE_SECONDS)
  if (SNAPSHOTS.includes('idle')) await snapshot('idle')

  const load = samples.filter((s) => s.phase === 'load')
  const lastHalf = load.slice(Math.floor(load.length / 2))
  // RSS is a sawtooth (garbage builds up to the next major GC), so the trend is read from its peaks: the peak
  // of the last quarter against the peak of the quarter before it.
  const third = lastHalf.slice(0, Math.floor(lastHalf.length / 2))
  const fourth = lastHalf.slice(Math.floor(lastHalf.length / 2))
  const peak = (rows, field = 'rss') => Math.max(...rows.map((s) => s[field]))
  const low = (rows, field = 'rss') => Math.min(...rows.map((s) => s[field]))
  const growth = (peak(fourth) / peak(third) - 1) * 100
  const last = load.at(-1)
  const row = (label, r) => `| ${label} | ${mb(r.rss)} | ${mb(r.heapUsed)} | ${mb(r.external)} |`
  const range = (field) => `${mb(low(lastHalf, field))}–${mb(peak(lastHalf, field))}`
  console.log(`\n| reading | RSS MB | heapUsed MB | external MB |`)
  console.log(`|---|---|---|---|`)
  console.log(row('ready (floor)', floor))
  console.log(row(`first sample (${load[0].t} s)`, load[0]))
  console.log(`| last half, low–peak | ${range('rss')} | ${range('heapUsed')} | ${range('external')} |`)
  console.log(row(`end of load (${last.t} s)`, last))
  console.log(row(`after ${IDLE_SECONDS} s idle${GC ? ' + gc' : ''}`, after))
  const answered = ((after.replies / Math.max(1, after.sent)) * 100).toFixed(1)
  console.log(`\nsent ${after.sent}, replies ${after.replies}, errors ${after.errors} (${answered}% answered)`)
  console.log(
    `levels off (RSS peak of the last quarter within +5% of the quarter before): ${growth <= 5 ? 'yes' : 'no'}` +
      ` (${mb(peak(third))} -> ${mb(peak(fourth))} MB, ${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%)`,
  )
  const perEvent = (bytes) => `${Math.round(bytes / Math.max(1, handled))} B`
  console.log(
    `collector over the last half of the load, per event answered (${handled}): ${perEvent(gcs.promoted)} promoted to the old generation` +
      ` + ${perEvent(gcs.allocatedOld.total)} allocated there directly (${Object.entries(gcs.allocatedOld)
        .filter(([name]) => name !== 'total')
        .map(([name, bytes]) => `${name} ${perEvent(bytes)}`)
        .join(', ')}); ${perEvent(gcs.freedByMajor)} freed by major GCs;` +
      ` ${gcs.scavenges} scavenges (one per ${Math.round(handled / Math.max(1, gcs.scavenges))} events), ${gcs.majors} major GCs,` +
      ` GC pauses ${Math.round(gcs.pauseMs)} ms, bot CPU ${Math.round((gcs.cpuMs * 1000) / Math.max(1, handled))} µs/event;` +
      ` live old generation after each major GC: ${gcs.liveAfterMajor.map(mb).join(', ') || '-'} MB`,
  )
  console.log(
    `falls back after idle (below the last half's peak): ${after.rss < peak(lastHalf) ? 'yes' : 'no'}` +
      ` (${mb(after.rss)} vs ${mb(peak(lastHalf))} MB)`,
  )
} finally {
  bot.kill('SIGINT')
  platform.kill()
}
