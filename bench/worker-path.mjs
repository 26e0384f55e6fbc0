// A broker worker's path in one process, for CPU per event without the ingress or the load of a burst in the
// way: group messages written to the broker by a feeder process (bench/broker-feeder.mjs, as the ingress
// writes them), read by this process's RedisStreamSource or NatsStreamSource, handled by the real pipeline and
// answered with client.reply() over undici to the fake platform in its own process. Prints this process's CPU
// (user + system) per 1,000 events, measured after a warm-up and after the worker acknowledged the warm-up, up
// to the last reply and acknowledgement. `single` is the same bot and the same events without a broker: each
// event's JSON text parsed and pushed into the pipeline as the gateway does (no socket), the reference.
//   node bench/worker-path.mjs [single|redis|nats, default redis] [events, default 10,000]
// PARTITIONS=<n>: the broker split in partitions (this worker holds them all). BENCH_WARMUP: warm-up events.
// Under `valgrind --tool=callgrind` (the child processes run natively) the difference between two event counts
// gives this process's instructions per event; --cpu-prof profiles it.
import { fork } from 'node:child_process'
import { Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { removeNatsNamespace, removeRedisNamespace } from './broker-cleanup.mjs'
import { nextMessage, startPlatformChild } from './ipc.mjs'
import { groupAtMessage } from '../packages/fake-platform/dist/index.js'
import { createClient } from '../packages/core/dist/index.js'

const MODE = process.argv[2] ?? 'redis'
const EVENTS = Number(process.argv[3] ?? 10_000)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000)
const PARTITIONS = Number(process.env.PARTITIONS ?? 0)
// BENCH_CHUNK=<k>: the events k at a time, each chunk once the last was answered (and acknowledged): how a
// worker sees a trickle, its per-read and per-call costs shared by k events. Unset: all at once.
const CHUNK = Number(process.env.BENCH_CHUNK ?? 0)
// BENCH_CLAIM_IDLE_MS: the workers' claimIdleMs (default the library's 30 s). A worker renews what it holds every
// third of it, work that grows with wall time, not with events: under callgrind (50× slower) set it far above the
// run's length, or the renewal rounds that fall into each run make the instruction counts drift.
const CLAIM_IDLE_MS = Number(process.env.BENCH_CLAIM_IDLE_MS ?? 30_000)
/** Socket writes and bytes written during the measurement, per peer port (BENCH_COUNT_WRITES=1 counts them). */
const writes = {}
let counting = false
if (process.env.BENCH_COUNT_WRITES) {
  const write = Socket.prototype.write
  Socket.prototype.write = function (chunk, ...rest) {
    if (counting) {
      const peer = (writes[this.remotePort ?? 'other'] ??= { writes: 0, bytes: 0 })
      peer.writes++
      peer.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
    }
    return write.call(this, chunk, ...rest)
  }
}
const namespace = `wpath_${randomBytes(4).toString('hex')}`

/** The single-process reference: events pushed as the gateway pushes a dispatch frame, paused while the pipeline is full. */
class FrameSource {
  kind = 'frames'
  start(sink) {
    this.sink = sink
  }
  stop() {}
  /** The frames' text, made before the measurement. */
  static prepare(from, count) {
    const texts = []
    for (let i = from; i < from + count; i++) {
      const sender = `member-${i % 1_000}`
      const { t, d } = groupAtMessage({ content: `/ping ${i}`, memberOpenid: sender, authorId: sender })
      texts.push(JSON.stringify({ op: 0, s: i + 1, t, id: `${t}:${i}`, d }))
    }
    return texts
  }
  async feed(texts) {
    this.fedBefore = acked
    for (let i = 0; i < texts.length; i++) {
      if (CHUNK && i % CHUNK === 0 && i > 0) await this.finished(i)
      const frame = JSON.parse(texts[i])
      const accepted = this.sink.push({
        name: frame.t,
        id: frame.id,
        data: frame.d,
        seq: frame.s,
        source: 'gateway',
        shard: [0, 1],
        receivedAt: Date.now(),
        done: () => {
          acked++
          this.onDone?.()
        },
      })
      if (!accepted) await new Promise((resolve) => this.sink.onDrain(resolve))
      // A socket hands over a few frames per read.
      else if (!CHUNK && i % 16 === 15) await new Promise((resolve) => setImmediate(resolve))
    }
  }
  /** Resolves once `count` events of this feed are done. */
  finished(count) {
    const target = this.fedBefore + count
    return acked >= target ? undefined : new Promise((resolve) => (this.onDone = () => acked >= target && resolve()))
  }
}

let connections = []
async function brokerSource() {
  const partitions = PARTITIONS > 0 ? PARTITIONS : false
  if (MODE === 'nats') {
    const { connect } = await import('@nats-io/transport-node')
    const { NatsStreamSource } = await import('../packages/nats/dist/index.js')
    const nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', noAsyncTraces: true })
    connections.push(() => nats.close())
    return new NatsStreamSource({ nats, namespace, batchSize: 128, partitions, claimIdleMs: CLAIM_IDLE_MS })
  }
  const { Redis } = await import('ioredis')
  const { RedisStreamSource } = await import('../packages/redis/dist/index.js')
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    enableAutoPipelining: process.env.BENCH_AUTOPIPELINE === '1',
  })
  connections.push(() => redis.disconnect())
  return new RedisStreamSource({ redis, namespace, batchSize: 128, partitions, claimIdleMs: CLAIM_IDLE_MS })
}

/** Deletes what a run left on the broker. */
async function cleanUp() {
  if (MODE === 'redis') await removeRedisNamespace(namespace)
  else if (MODE === 'nats') await removeNatsNamespace(namespace)
}

const { platform, env } = await startPlatformChild()
const frames = MODE === 'single' ? new FrameSource() : undefined
const source = frames ?? (await brokerSource())
const client = createClient({
  appId: env.QQBOT_APP_ID,
  secret: env.QQBOT_SECRET,
  hosts: { api: env.QQBOT_URL },
  logLevel: 'warn',
  source,
})
let replied = 0
let onReplied = () => {}
let acked = 0
client.on('GROUP_AT_MESSAGE_CREATE', (event) => {
  const match = /\/ping (\d+)/.exec(event.data.content)
  return client.reply(event, `pong ${match[1]}`).then(() => {
    replied++
    onReplied()
  })
})
await client.start()
if (PARTITIONS > 0) while (source.partitions.length < PARTITIONS) await new Promise((r) => setTimeout(r, 50))

const feeder = frames
  ? undefined
  : fork(fileURLToPath(new URL('./broker-feeder.mjs', import.meta.url)), {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BROKER: MODE, NAMESPACE: namespace, PARTITIONS: String(PARTITIONS) },
    })
if (feeder) await nextMessage(feeder, 'ready')

/** Finished: replied to and, from a broker, acknowledged (polled once all replied: only the tail waits on a timer). */
async function run(from, count, texts) {
  replied = 0
  const allReplied = new Promise((resolve) => (onReplied = () => replied === count && resolve()))
  const ackedBefore = ackedSoFar()
  if (frames) await frames.feed(texts)
  else feeder.send({ type: 'feed', from, count, chunk: CHUNK })
  await allReplied
  while (ackedSoFar() - ackedBefore < count) await new Promise((resolve) => setTimeout(resolve, 5))
}

function perEvent(byPort) {
  const round = (n) => Number((n / EVENTS).toFixed(3))
  return Object.fromEntries(
    Object.entries(byPort).map(([port, { writes, bytes }]) => [port, { writes: round(writes), bytes: round(bytes) }]),
  )
}

function ackedSoFar() {
  return frames ? acked : (client.metrics().counters.broker_acked?.[''] ?? 0)
}

try {
  await run(1_000_000, WARMUP, frames && FrameSource.prepare(1_000_000, WARMUP))
  const texts = frames && FrameSource.prepare(0, EVENTS)
  const before = process.cpuUsage()
  const startedUs = process.hrtime.bigint() / 1000n
  counting = true
  await run(0, EVENTS, texts)
  counting = false
  const used = process.cpuUsage(before)
  const endedUs = process.hrtime.bigint() / 1000n
  console.log(
    JSON.stringify({
      mode: MODE,
      partitions: PARTITIONS,
      chunk: CHUNK || undefined,
      events: EVENTS,
      cpuMsPer1kEvents: Number(((used.user + used.system) / EVENTS).toFixed(1)),
      userMsPer1kEvents: Number((used.user / EVENTS).toFixed(1)),
      systemMsPer1kEvents: Number((used.system / EVENTS).toFixed(1)),
      // The measurement on the clock of a --cpu-prof profile's samples, to keep only the samples inside it.
      windowUs: [Number(startedUs), Number(endedUs)],
      ...(process.env.BENCH_COUNT_WRITES ? { writesPerEventByPort: perEvent(writes) } : {}),
    }),
  )
} finally {
  await client.stop()
  for (const close of connections) await close()
  feeder?.kill()
  platform.kill()
  await cleanUp()
}
process.exit(0)
