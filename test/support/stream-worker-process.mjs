// One worker process of an ingress/worker test: reads events from the broker (BROKER=redis, the default, or
// nats), answers each group message, and reports {type:'handled', id} lines on stdout. Runs from the built
// packages (dist).
import { createClient } from '@qqbot/core'
import { partitionsFromEnv } from './partitions-from-env.mjs'

const env = process.env
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)
const claimIdleMs = Number(env.CLAIM_IDLE_MS ?? 2000)

async function brokerSource() {
  if (env.BROKER === 'nats') {
    const { connect } = await import('@nats-io/transport-node')
    const { NatsStreamSource } = await import('@qqbot/nats')
    const nats = await connect({ servers: env.NATS_URL ?? 'nats://127.0.0.1:4222' })
    return {
      source: new NatsStreamSource({
        nats,
        namespace: env.NAMESPACE,
        workerName: env.MEMBER,
        claimIdleMs,
        partitions: partitionsFromEnv(env),
      }),
      close: () => nats.close(),
    }
  }
  const { redisFromEnv } = await import('./redis-from-env.mjs')
  const { RedisStreamSource } = await import('@qqbot/redis')
  const redis = redisFromEnv(env)
  redis.on('error', () => undefined) // outages and failovers are what some tests are about
  const batchSize = env.BATCH_SIZE ? Number(env.BATCH_SIZE) : undefined
  return {
    source: new RedisStreamSource({
      redis,
      namespace: env.NAMESPACE,
      workerName: env.MEMBER,
      claimIdleMs,
      blockMs: 200,
      batchSize,
      partitions: partitionsFromEnv(env),
    }),
    close: () => redis.quit(),
  }
}

const { source, close } = await brokerSource()
// WORKER_CONCURRENCY / WORKER_QUEUE (and BATCH_SIZE): a smaller pipeline reads ahead less, so entries wait unread in Redis.
const pipeline = env.WORKER_CONCURRENCY
  ? { concurrency: Number(env.WORKER_CONCURRENCY), highWaterMark: Number(env.WORKER_QUEUE ?? 16) }
  : undefined
const client = createClient({
  appId: env.APP_ID,
  secret: env.APP_SECRET,
  hosts: { api: env.API_URL },
  source,
  pipeline,
  logLevel: env.LOG_LEVEL ?? 'silent',
})
const delayMs = Number(env.HANDLER_DELAY_MS ?? 0)
client.on('GROUP_AT_MESSAGE_CREATE', async (event) => {
  report({ type: 'handled', id: event.data.id })
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
  await client.reply(event, `pong ${event.data.id}`)
})
await client.start()
report({ type: 'started' })
process.on('SIGTERM', async () => {
  await client.stop()
  await close()
  process.exit(0)
})
