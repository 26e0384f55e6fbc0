// The broker hop's floor for bench/scale-out.mjs: the stream and the group or durable consumer a bare ingress
// (floor-ingress.mjs) and bare workers (floor-worker.mjs) share, named by NAMESPACE as the bots' are, so that
// bench/broker-cleanup.mjs removes them.

const natsServers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The JetStream stream, subject and consumer of the floor: the bots' names for the namespace. */
export async function natsFloorNames(namespace) {
  const { jetStreamNames } = await import('../packages/nats/dist/index.js')
  return jetStreamNames({ namespace })
}

/** The Redis stream key and group of the floor. */
export function redisFloorNames(namespace) {
  return { key: `qqbot:{${namespace}}:floor`, group: 'workers' }
}

/** Creates the floor's work-queue stream (the bots' retention) and its explicit-ack consumer unless they exist. */
async function ensureNatsFloor(nc, namespace) {
  const { jetstreamManager, AckPolicy, RetentionPolicy } = await import('@nats-io/jetstream')
  const { stream, subject, consumer } = await natsFloorNames(namespace)
  const jsm = await jetstreamManager(nc)
  const NS_PER_MS = 1_000_000
  await jsm.streams
    .add({
      name: stream,
      subjects: [subject],
      retention: RetentionPolicy.Workqueue,
      max_msgs: 100_000,
      duplicate_window: 2 * 60 * 1000 * NS_PER_MS,
    })
    .catch(() => undefined)
  await jsm.consumers
    .add(stream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      ack_wait: 30_000 * NS_PER_MS,
      max_ack_pending: 10_000,
    })
    .catch(() => undefined)
}

/** Creates the floor's stream and consumer group unless they exist. */
async function ensureRedisFloor(redis, namespace) {
  const { key, group } = redisFloorNames(namespace)
  await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM').catch((error) => {
    if (!String(error.message).includes('BUSYGROUP')) throw error
  })
}

/** A connection to NATS with the floor's stream and consumer made, and their names. */
export async function openNatsFloor(namespace) {
  const { connect } = await import('@nats-io/transport-node')
  const nats = await connect({ servers: natsServers, noAsyncTraces: true })
  await ensureNatsFloor(nats, namespace)
  return { nats, ...(await natsFloorNames(namespace)) }
}

/** `count` connections to Redis with the floor's stream and group made, and their names. */
export async function openRedisFloor(namespace, count = 1) {
  const { Redis } = await import('ioredis')
  const connections = Array.from({ length: count }, () => new Redis(redisUrl))
  await ensureRedisFloor(connections[0], namespace)
  return { connections, ...redisFloorNames(namespace) }
}
