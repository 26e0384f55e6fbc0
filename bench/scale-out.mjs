// npm run bench:scale-out: the same burst answered by one @qqbot/core process, and by 1 ingress + 2 workers
// over a Redis stream (REDIS_URL) and over NATS JetStream (NATS_URL), local servers by default, in the same
// run, and by the same split with none of the framework (the floors). Medians of RUNS runs. A report, not a test.
import { execFileSync, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { removeNatsNamespace, removeRedisNamespace } from './broker-cleanup.mjs'
import { machineLine, median, nextMessage, startPlatformChild } from './ipc.mjs'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const COUNT = Number(process.env.BENCH_EVENTS ?? 20_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const scene = process.env.BENCH_SCENE ?? 'group'
const here = (file) => fileURLToPath(new URL(file, import.meta.url))
// The Redis split once more with its stream in partitions (one key's events to one worker, in order): the
// figure to hold within 10% of the split without them. BENCH_PARTITIONS=0 leaves it out.
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 16)
// The NATS split once more with the ingress's eventsPerMessage (BENCH_EVENTS_PER_MESSAGE, default 64).
const EVENTS_PER_MESSAGE = Number(process.env.BENCH_EVENTS_PER_MESSAGE ?? 64)
// BENCH_ONLY=<regex>: only the layouts whose name matches (and the single process, the baseline).
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined
// BENCH_RATE=<events/s>: the events arrive at that steady rate instead of all at once (CPU per event at a load
// the processes keep up with, where reads are small).
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined
// BENCH_WARMUP=<events>: a burst each layout answers before the measured one, so that what is measured is warm
// processes (their hot paths compiled), as a long-running bot is; 0 measures cold processes. A worker of the
// split sees half of it: a shorter warm-up leaves the workers compiling during the measured burst.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20_000)
// BENCH_PROFILE=dir writes a CPU profile of each bot process (ingress, workers, single) there;
// BENCH_NODE_FLAGS adds Node flags to them (`--perf-basic-prof` for `perf record`, with BENCH_MARK_BURST below).
// BENCH_AUTOPIPELINE=1 turns on ioredis' auto-pipelining on the bots' Redis connections (off as in the docs).
const profileArgs = [
  ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
  ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
]

/** The NATS split with its stream in partitions (a subject and durable consumer each, KV leases). */
function natsPartitionedLayouts() {
  if (PARTITIONS <= 0) return []
  return [
    {
      name: `1 ingress + 2 workers (NATS JetStream, ${PARTITIONS} partitions)`,
      processes: ['worker.mjs', 'worker.mjs', 'ingress.mjs'],
      broker: 'nats',
      partitions: PARTITIONS,
    },
    {
      name: `1 ingress + 2 workers (NATS JetStream, ${PARTITIONS} partitions, up to ${EVENTS_PER_MESSAGE} events per message)`,
      processes: ['worker.mjs', 'worker.mjs', 'ingress.mjs'],
      broker: 'nats',
      partitions: PARTITIONS,
      env: { EVENTS_PER_MESSAGE: String(EVENTS_PER_MESSAGE) },
    },
  ]
}

/**
 * The split with none of the framework: a bare ingress and two bare workers over each broker, what the hop costs
 * at the least (publish, read, acknowledge; no claim, dedupe or done mark; NATS by its protocol, without the
 * client's JetStream layer). BENCH_FLOORS=0 leaves them out.
 */
function floorLayouts() {
  if (process.env.BENCH_FLOORS === '0') return []
  const floor = (broker, env = {}, detail = '') => ({
    name: `floor: bare ingress + 2 bare workers (${broker === 'redis' ? 'Redis stream' : 'NATS JetStream'}${detail})`,
    processes: ['floor-worker.mjs', 'floor-worker.mjs', 'floor-ingress.mjs'],
    broker,
    env,
  })
  // The last: what JetStream costs per event when it stores a message per batch of events instead of each.
  return [floor('redis'), floor('nats'), floor('nats', { FLOOR_BATCHED: '1' }, ', the events of a turn in one message')]
}

const layouts = [
  { name: 'single process (@qqbot/core)', processes: ['bot-core.mjs'] },
  {
    name: '1 ingress + 2 workers (Redis stream)',
    processes: ['worker.mjs', 'worker.mjs', 'ingress.mjs'],
    broker: 'redis',
  },
  ...(PARTITIONS > 0
    ? [
        {
          name: `1 ingress + 2 workers (Redis stream, ${PARTITIONS} partitions)`,
          processes: ['worker.mjs', 'worker.mjs', 'ingress.mjs'],
          broker: 'redis',
          partitions: PARTITIONS,
        },
      ]
    : []),
  {
    name: '1 ingress + 2 workers (NATS JetStream)',
    processes: ['worker.mjs', 'worker.mjs', 'ingress.mjs'],
    broker: 'nats',
  },
  {
    name: `1 ingress + 2 workers (NATS JetStream, up to ${EVENTS_PER_MESSAGE} events per message)`,
    processes: ['worker.mjs', 'worker.mjs', 'ingress.mjs'],
    broker: 'nats',
    env: { EVENTS_PER_MESSAGE: String(EVENTS_PER_MESSAGE) },
  },
  ...natsPartitionedLayouts(),
  ...floorLayouts(),
].filter((layout) => !ONLY || ONLY.test(layout.name) || layout.processes[0] === 'bot-core.mjs')

/**
 * The Redis server's own CPU time (INFO cpu) and command counts (INFO commandstats, script-internal calls
 * included): read before and after a burst, their difference is what the burst cost Redis. On a Redis others
 * use too, their load is in it: point REDIS_URL at a server of the bench's own for exact counts.
 */
async function redisProbe() {
  const { Redis } = await import('ioredis')
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  const read = async () => {
    const info = (await redis.info('cpu')) + (await redis.info('commandstats'))
    const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0)
    let commands = 0
    for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) commands += Number(match[1])
    return { cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000, commands }
  }
  const before = await read()
  return async () => {
    const after = await read()
    redis.disconnect()
    // The probe's own INFO calls (two of the first reading) are not the bot's.
    return { cpuMs: after.cpuMs - before.cpuMs, commands: after.commands - before.commands - 2 }
  }
}

/** CPU ms nats-server used so far (utime + stime of /proc/<pid>/stat), or undefined when it is not local. */
function natsServerCpuMs() {
  try {
    const pid = execFileSync('pgrep', ['-o', 'nats-server'], { encoding: 'utf8' }).trim()
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return undefined
  }
}

async function runOnce(layout) {
  const started = await startPlatformChild()
  const { platform } = started
  const namespace = `bench_${randomBytes(4).toString('hex')}`
  const env = {
    ...started.env,
    NAMESPACE: namespace,
    BROKER: layout.broker ?? '',
    PARTITIONS: String(layout.partitions ?? 0),
    WORKERS: String(layout.processes.filter((file) => file === 'worker.mjs').length),
    ...layout.env,
  }
  const children = []
  // BENCH_MARK_BURST=1: the warm-up's start and the measured burst's start and end on CLOCK_MONOTONIC (seconds),
  // to cut a system-wide `perf record --clockid monotonic` to the burst (`perf report --time <start>,<end>`), and
  // in epoch ms for log lines.
  const mark = (what) =>
    process.env.BENCH_MARK_BURST &&
    console.error(`${what} ${layout.name} ${Number(process.hrtime.bigint()) / 1e9} (epoch ms ${Date.now()})`)
  try {
    for (const file of layout.processes) {
      const child = fork(here(file), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env, execArgv: profileArgs })
      children.push(child)
      await nextMessage(child, 'ready')
    }
    if (WARMUP > 0) {
      mark('warm-up-start')
      platform.send({ type: 'burst', count: WARMUP, scene })
      const warmup = await nextMessage(platform, 'done')
      if (warmup.lost > 0) throw new Error(`${layout.name}: ${warmup.lost} of the ${WARMUP} warm-up events unanswered`)
    }
    const before = await Promise.all(
      children.map((child) => (child.send({ type: 'stats' }), nextMessage(child, 'stats'))),
    )
    const redisDone = layout.broker === 'redis' ? await redisProbe() : undefined
    const natsBefore = layout.broker === 'nats' ? natsServerCpuMs() : undefined
    mark('burst-start')
    platform.send({ type: 'burst', count: COUNT, scene, rate: RATE })
    const result = await nextMessage(platform, 'done')
    mark('burst-end')
    const natsAfter = natsBefore === undefined ? undefined : natsServerCpuMs()
    const redis = await redisDone?.()
    const stats = await Promise.all(
      children.map((child) => (child.send({ type: 'stats' }), nextMessage(child, 'stats'))),
    )
    const perProcess = perProcessCpu(layout, before, stats, natsBefore, natsAfter, redis)
    return {
      ...result,
      evPerSec: (result.replies / result.elapsedMs) * 1000,
      rssMb: stats.reduce((sum, s) => sum + s.maxRssMb, 0),
      cpuMs: stats.reduce((sum, s) => sum + s.cpuMs, 0),
      pullsMissedHeartbeats: stats.reduce((sum, s) => sum + (s.pullsMissedHeartbeats ?? 0), 0),
      perProcess,
    }
  } finally {
    const exited = children.map((child) =>
      child.exitCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve)),
    )
    for (const child of children) child.kill('SIGINT')
    platform.kill()
    // Removed only once the bots are gone, so that no worker of this run meets its stream deleted.
    await Promise.all(exited)
    if (layout.broker === 'nats') await removeNatsNamespace(namespace)
    // Done marks live a day: without this, each run would leave tens of thousands of keys in the shared Redis.
    if (layout.broker === 'redis') await removeRedisNamespace(namespace)
  }
}

console.log('# qqbot scale-out benchmark')
console.log(machineLine())
console.log(
  `${COUNT} ${scene} events per run${WARMUP > 0 ? ` after a warm-up of ${WARMUP}` : ', cold processes'}, median of ${RUNS} runs; platform, bots, Redis and NATS share the machine\n`,
)
const results = {}
for (let run = 0; run < RUNS; run++)
  for (const layout of layouts) (results[layout.name] ??= []).push(await runOnce(layout))
const baseline = median(results[layouts[0].name].map((r) => r.evPerSec))
console.log('| layout | ev/s | vs single | p50 ms | p99 ms | RSS MB (all bot processes) | CPU ms/1k ev | lost |')
console.log('|---|---|---|---|---|---|---|---|')
for (const layout of layouts) {
  const r = results[layout.name]
  const evPerSec = median(r.map((x) => x.evPerSec))
  console.log(
    `| ${layout.name} | ${Math.round(evPerSec)} | ${(evPerSec / baseline).toFixed(2)} | ${median(r.map((x) => x.p50))} | ${median(r.map((x) => x.p99))} | ${Math.round(median(r.map((x) => x.rssMb)))} | ${Math.round(median(r.map((x) => (x.cpuMs / COUNT) * 1000)))} | ${Math.max(...r.map((x) => x.lost))} |`,
  )
}

/** A count's growth per event of the burst, or undefined when the process could not count it. */
function perEvent(before, after) {
  return before === undefined || after === undefined ? undefined : (after - before) / COUNT
}

/**
 * Each process's CPU during the burst (ms per 1k events), the broker server's included when it is local, and
 * the broker traffic per event: Redis commands (script-internal calls included), NATS messages each client sent
 * and received (a publish and its acknowledgement are one each).
 */
function perProcessCpu(layout, before, after, natsBefore, natsAfter, redis) {
  const rows = layout.processes.map((file, i) => ({
    process: `${file.replace('.mjs', '')}${layout.processes.filter((f) => f === file).length > 1 ? ` ${i + 1}` : ''}`,
    cpuMs: after[i].cpuMs - before[i].cpuMs,
    writeCalls: perEvent(before[i].writeCalls, after[i].writeCalls),
    readCalls: perEvent(before[i].readCalls, after[i].readCalls),
    wakeUps: perEvent(before[i].wakeUps, after[i].wakeUps),
    preemptions: perEvent(before[i].preemptions, after[i].preemptions),
    natsOut: after[i].nats ? (after[i].nats.outMsgs - before[i].nats.outMsgs) / COUNT : undefined,
    natsIn: after[i].nats ? (after[i].nats.inMsgs - before[i].nats.inMsgs) / COUNT : undefined,
    // A worker's messages per read of its broker (acknowledged / reads that returned messages).
    perRead:
      after[i].reads === undefined
        ? undefined
        : (after[i].acked - before[i].acked) / Math.max(1, after[i].reads - before[i].reads),
  }))
  if (natsAfter !== undefined) rows.push({ process: 'nats-server', cpuMs: natsAfter - natsBefore })
  if (redis) rows.push({ process: 'redis-server', cpuMs: redis.cpuMs, redisCommands: redis.commands / COUNT })
  return rows
}

console.log('\nPer process, during the burst (median of the runs): CPU ms per 1k events; broker traffic per event')
console.log(
  '| layout | process | CPU ms/1k ev | Redis commands/ev | NATS msgs out/ev | NATS msgs in/ev | msgs per read | write calls/ev | read calls/ev | wake-ups/ev | preemptions/ev |',
)
console.log('|---|---|---|---|---|---|---|---|---|---|---|')
for (const layout of layouts) {
  const r = results[layout.name]
  for (const [i, row] of r[0].perProcess.entries()) {
    const pick = (field) => median(r.map((x) => x.perProcess[i][field]))
    const fmt = (value) => (value === undefined || Number.isNaN(value) ? '' : value.toFixed(2))
    console.log(
      `| ${layout.name} | ${row.process} | ${Math.round((pick('cpuMs') / COUNT) * 1000)} | ${fmt(pick('redisCommands'))} | ${fmt(pick('natsOut'))} | ${fmt(pick('natsIn'))} | ${fmt(pick('perRead'))} | ${fmt(pick('writeCalls'))} | ${fmt(pick('readCalls'))} | ${fmt(pick('wakeUps'))} | ${fmt(pick('preemptions'))} |`,
    )
  }
  console.log(`| ${layout.name} | all | ${Math.round(totalCpu(layout))} | | | | |`)
}

const natsLayouts = layouts.filter((layout) => layout.broker === 'nats' && !layout.name.startsWith('floor:'))
if (natsLayouts.length > 0) {
  const counts = natsLayouts.map((layout) => {
    const total = results[layout.name].reduce((sum, x) => sum + x.pullsMissedHeartbeats, 0)
    return `${layout.name}: ${total}`
  })
  console.log(`\nNATS pulls ended by missed heartbeats, warm-up and burst of every run: ${counts.join('; ')}`)
}

/** Every process's CPU per event with the broker server's (median of the runs), ms per 1k events. */
function totalCpu(layout) {
  return (median(results[layout.name].map((x) => x.perProcess.reduce((sum, p) => sum + p.cpuMs, 0))) / COUNT) * 1000
}

const floors = layouts.filter((layout) => layout.name.startsWith('floor:'))
if (floors.length > 0) {
  console.log(
    '\nEach split against the floor of its broker (one message per event, or per turn for events per message), broker servers included',
  )
  console.log('| layout | ev/s vs floor | CPU vs floor | floor ev/s vs single | floor CPU vs single |')
  console.log('|---|---|---|---|---|')
  const single = totalCpu(layouts[0])
  for (const layout of layouts.filter((l) => l.broker && !l.name.startsWith('floor:'))) {
    const batched = Boolean(layout.env?.EVENTS_PER_MESSAGE)
    const floor = floors.find((f) => f.broker === layout.broker && Boolean(f.env.FLOOR_BATCHED) === batched)
    if (!floor) continue
    const evPerSec = (l) => median(results[l.name].map((x) => x.evPerSec))
    console.log(
      `| ${layout.name} | ${(evPerSec(layout) / evPerSec(floor)).toFixed(2)} | ${(totalCpu(layout) / totalCpu(floor)).toFixed(2)} | ${(evPerSec(floor) / baseline).toFixed(2)} | ${(totalCpu(floor) / single).toFixed(2)} |`,
    )
  }
}
