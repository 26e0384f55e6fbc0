// A worker of the scale-out benchmark: reads the broker (BROKER=redis or nats, as the ingress) and answers
// like bot-core.mjs does.
import { serveStats } from './ipc.mjs'
import { createClient } from '../packages/core/dist/index.js'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret, NAMESPACE: namespace } = process.env
// PARTITIONS (with WORKERS, how many workers share them): read partitions; unset or 0: the shared stream.
const partitions = Number(process.env.PARTITIONS ?? 0)

/** The NATS connection, for its message counts in the stats. */
let nats

async function createBrokerSource() {
  if (process.env.BROKER === 'nats') {
    const { connect } = await import('@nats-io/transport-node')
    const { NatsStreamSource } = await import('../packages/nats/dist/index.js')
    nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', noAsyncTraces: true })
    return new NatsStreamSource({
      nats,
      namespace,
      batchSize: 128,
      partitions: partitions > 0 ? partitions : false,
    })
  }
  const { Redis } = await import('ioredis')
  const { RedisStreamSource } = await import('../packages/redis/dist/index.js')
  return new RedisStreamSource({
    redis: new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      enableAutoPipelining: process.env.BENCH_AUTOPIPELINE === '1',
    }),
    namespace,
    batchSize: 128,
    partitions: partitions > 0 ? partitions : false,
  })
}

const source = await createBrokerSource()
const client = createClient({
  appId,
  secret,
  hosts: { api: url },
  source,
  logLevel: 'warn',
})
const onMessage = (event) => {
  const match = /\/ping (\d+)/.exec(event.data.content)
  return match ? client.reply(event, `pong ${match[1]}`) : undefined
}
client.on('GROUP_AT_MESSAGE_CREATE', onMessage)
client.on('AT_MESSAGE_CREATE', onMessage)
await client.start()
if (partitions > 0) {
  // Ready once this worker holds its share, so that the burst does not run into the rebalance.
  const share = Math.floor(partitions / Number(process.env.WORKERS ?? 1))
  while (source.partitions.length < share) await new Promise((resolve) => setTimeout(resolve, 100))
}
process.send({ type: 'ready' })
serveStats(() => ({
  ...(nats ? { nats: nats.stats() } : {}),
  reads: client.metricsRegistry.count('broker_reads'),
  acked: client.metricsRegistry.count('broker_acked'),
  // Pulls nats-server let expire unannounced (see docs/scaling.md), from start-up on.
  ...(nats ? { pullsMissedHeartbeats: client.metrics().counters.broker_pulls_missed_heartbeats?.[''] ?? 0 } : {}),
}))
