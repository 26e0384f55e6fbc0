// The ingress of the scale-out benchmark: the gateway shard, publishing each event to the broker
// (BROKER=redis, the default: a Redis stream; BROKER=nats: JetStream, EVENTS_PER_MESSAGE events per message at
// most, default 1).
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret, NAMESPACE: namespace } = process.env
const common = {
  appId,
  secret,
  hosts: { api: url },
  intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES'],
  namespace,
  logLevel: 'warn',
}
// PARTITIONS: the number of partitions (as on the workers); unset or 0: one shared stream or subject.
const partitions = Number(process.env.PARTITIONS ?? 0)

/** The NATS connection, for its message counts in the stats. */
let nats

async function createBrokerIngress() {
  if (process.env.BROKER === 'nats') {
    const { connect } = await import('@nats-io/transport-node')
    const { createNatsIngress } = await import('../packages/nats/dist/index.js')
    nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', noAsyncTraces: true })
    return createNatsIngress({
      ...common,
      nats,
      partitions: partitions > 0 ? partitions : false,
      eventsPerMessage: Number(process.env.EVENTS_PER_MESSAGE ?? 1),
    })
  }
  const { Redis } = await import('ioredis')
  const { createRedisIngress } = await import('../packages/redis/dist/index.js')
  return createRedisIngress({
    ...common,
    partitions: partitions > 0 ? partitions : false,
    redis: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableAutoPipelining: process.env.BENCH_AUTOPIPELINE === '1',
    }),
  })
}

const ingress = await createBrokerIngress()
await ingress.start()
process.send({ type: 'ready' })
serveStats(() => (nats ? { nats: nats.stats() } : {}))
