// The feeder of bench/worker-path.mjs, in a process of its own so that writing the events costs the measured
// worker nothing: on `{ type: 'feed', from, count }` it writes group messages `/ping <from>` … to the broker
// the way the ingress does (the same codec, the same stream or subject), then answers `{ type: 'fed' }`.
// Redis: MULTI/EXEC of 1,000 XADDs each, so a blocked reader wakes to a full batch. NATS: JetStream publishes
// with the ingress's message id, 1,000 in flight. With `chunk`, it writes that many at a time, each chunk once
// the broker says the last one is read and acknowledged (the group's pending count, the consumer's), so a
// worker sees the events the way a slow trickle brings them.
import { groupAtMessage } from '../packages/fake-platform/dist/index.js'
import { EventPartitioner, namedDedupeKey } from '../packages/core/dist/adapter.js'

const { BROKER: broker, NAMESPACE: namespace } = process.env
const partitions = Number(process.env.PARTITIONS ?? 0)
const CHUNK = 1_000

/** The event as the ingress's pipeline hands it to its publisher (validated: the payload as built). */
function dispatched(i) {
  const sender = `member-${i % 1_000}`
  const { t, d } = groupAtMessage({ content: `/ping ${i}`, memberOpenid: sender, authorId: sender })
  return { name: t, id: `${t}:${i}`, data: d, seq: i + 1, source: 'gateway', shard: [0, 1], receivedAt: Date.now() }
}

async function redisWriter() {
  const { Redis } = await import('ioredis')
  const { encodeEvent } = await import('../packages/redis/dist/index.js')
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  const stream = `qqbot:{${namespace}}:events`
  const partitioner = partitions > 0 ? new EventPartitioner(partitions, undefined) : undefined
  const write = async (events) => {
    const multi = redis.multi()
    const streams = new Set()
    for (const event of events) {
      const key = partitioner ? `${stream}:${partitioner.partitionOf(event)}` : stream
      streams.add(key)
      multi.xadd(key, '*', ...encodeEvent(event))
    }
    const replies = await multi.exec()
    return { streams, lastId: replies.at(-1)[1] }
  }
  /** Every entry of the streams read by the group and acknowledged. */
  const finished = async ({ streams }) => {
    for (const key of streams) {
      const groups = await redis.xinfo('GROUPS', key)
      for (const fields of groups) {
        const info = Object.fromEntries(fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])))
        if (info.pending > 0 || info.lag > 0) return false
      }
    }
    return true
  }
  return { write, finished }
}

async function natsWriter() {
  const { connect } = await import('@nats-io/transport-node')
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream')
  const { encodeEvent, jetStreamNames } = await import('../packages/nats/dist/index.js')
  const nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', noAsyncTraces: true })
  const js = jetstream(nats)
  const { subject } = jetStreamNames({ namespace })
  const partitioner = partitions > 0 ? new EventPartitioner(partitions, undefined) : undefined
  const jsm = await jetstreamManager(nats)
  const names = jetStreamNames({ namespace })
  /** Every message of the consumers pulled and acknowledged. */
  const finished = async () => {
    const consumers = partitioner
      ? Array.from({ length: partitions }, (_, n) => [`${names.stream}_PARTITIONED`, `${names.consumer}-${n}`])
      : [[names.stream, names.consumer]]
    for (const [stream, consumer] of consumers) {
      const info = await jsm.consumers.info(stream, consumer)
      if (info.num_pending > 0 || info.num_ack_pending > 0) return false
    }
    return true
  }
  const write = async (events) => {
    await Promise.all(
      events.map((event) =>
        js.publish(partitioner ? `${subject}.${partitioner.partitionOf(event)}` : subject, encodeEvent(event), {
          msgID: namedDedupeKey(event.name, event.id, event.data),
        }),
      ),
    )
  }
  return { write, finished }
}

const { write, finished } = broker === 'nats' ? await natsWriter() : await redisWriter()
process.on('message', async (message) => {
  if (message.type !== 'feed') return
  const chunk = message.chunk || CHUNK
  for (let at = 0; at < message.count; at += chunk) {
    const events = []
    for (let i = at; i < Math.min(message.count, at + chunk); i++) events.push(dispatched(message.from + i))
    const written = await write(events)
    if (message.chunk) while (!(await finished(written))) await new Promise((resolve) => setTimeout(resolve, 1))
  }
  process.send({ type: 'fed' })
})
process.send({ type: 'ready' })
