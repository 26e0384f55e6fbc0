// npm run bench:scale-out: the same burst answered by one @qqbot/core process, and by 1 ingress + 2 workers
// over a Redis stream (REDIS_URL) and over NATS JetStream (NATS_URL), local servers by default, in the same
// run. Medians of RUNS runs. A report, not a test.
import { fork } from 'node:child_process'
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
const allLayouts = [
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
]

/** BENCH_LAYOUTS=single,partitions: only the layouts whose name holds one of the words (the first is the baseline). */
function selectLayouts(all) {
  const words = process.env.BENCH_LAYOUTS?.split(',').filter(Boolean)
  if (!words) return all
  return all.filter((layout, index) => index === 0 || words.some((word) => layout.name.includes(word)))
}
const layouts = selectLayouts(allLayouts)

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

/** Each child's CPU time over the burst (its stats after minus before), named by role. */
async function childCpu(children, layout, before) {
  const after = await Promise.all(children.map((child) => (child.send({ type: 'stats' }), nextMessage(child, 'stats'))))
  let worker = 0
  return after.map((stats, i) => {
    const file = layout.processes[i]
    const role = file === 'worker.mjs' ? `worker ${++worker}` : file.replace(/\.mjs$/, '')
    return { role, cpuMs: stats.cpuMs - before[i].cpuMs }
  })
}

/** Deletes the JetStream stream and bucket a NATS run created (Redis keys of a run are trimmed or expire). */
async function removeNatsNamespace(namespace) {
  const { connect } = await import('@nats-io/transport-node')
  const { jetstreamManager } = await import('@nats-io/jetstream')
  const { Kvm } = await import('@nats-io/kv')
  const { jetStreamNames } = await import('../packages/nats/dist/index.js')
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  const names = jetStreamNames({ namespace })
  await (await jetstreamManager(nc)).streams.delete(names.stream).catch(() => undefined)
  await (await new Kvm(nc).open(names.bucket)).destroy().catch(() => undefined)
  await nc.close()
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
  }
  const children = []
  try {
    for (const file of layout.processes) {
      const child = fork(here(file), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env })
      children.push(child)
      await nextMessage(child, 'ready')
    }
    const cpuBefore = await Promise.all(
      children.map((child) => (child.send({ type: 'stats' }), nextMessage(child, 'stats'))),
    )
    const redisDone = layout.broker === 'redis' ? await redisProbe() : undefined
    platform.send({ type: 'burst', count: COUNT, scene })
    const result = await nextMessage(platform, 'done')
    const perProcess = await childCpu(children, layout, cpuBefore)
    const redis = await redisDone?.()
    if (redis) perProcess.push({ role: 'redis-server', cpuMs: redis.cpuMs })
    const stats = await Promise.all(
      children.map((child) => (child.send({ type: 'stats' }), nextMessage(child, 'stats'))),
    )
    return {
      ...result,
      evPerSec: (result.replies / result.elapsedMs) * 1000,
      rssMb: stats.reduce((sum, s) => sum + s.maxRssMb, 0),
      cpuMs: stats.reduce((sum, s) => sum + s.cpuMs, 0),
      perProcess,
      redisCommands: redis?.commands,
    }
  } finally {
    for (const child of children) child.kill('SIGINT')
    platform.kill()
    if (layout.broker === 'nats') await removeNatsNamespace(namespace)
  }
}

console.log('# qqbot scale-out benchmark')
console.log(machineLine())
console.log(
  `${COUNT} ${scene} events per run, median of ${RUNS} runs; platform, bots, Redis and NATS share the machine\n`,
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

printPerProcess(layouts, results)

/** CPU per event of each process over the burst alone (startup excluded), Redis' included, and Redis commands per event. */
function printPerProcess(layouts, results) {
  console.log('\n| layout | CPU ms/1k ev per process (burst only) | all processes | Redis commands/event |')
  console.log('|---|---|---|---|')
  for (const layout of layouts) {
    const r = results[layout.name]
    const roles = r[0].perProcess.map((p) => p.role)
    const perRole = roles.map((role) => {
      const ms = median(r.map((x) => x.perProcess.find((p) => p.role === role).cpuMs))
      return `${role} ${Math.round((ms / COUNT) * 1000)}`
    })
    const total = median(r.map((x) => x.perProcess.reduce((sum, p) => sum + p.cpuMs, 0)))
    const commands = r[0].redisCommands === undefined ? '' : (median(r.map((x) => x.redisCommands)) / COUNT).toFixed(2)
    console.log(`| ${layout.name} | ${perRole.join(', ')} | ${Math.round((total / COUNT) * 1000)} | ${commands} |`)
  }
}
