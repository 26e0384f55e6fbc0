// What a bench run leaves on the brokers, deleted by namespace.

/** Deletes the JetStream streams and key-value buckets of a namespace (both partition layouts). */
export async function removeNatsNamespace(namespace) {
  const { connect } = await import('@nats-io/transport-node')
  const { removeNamespace } = await import('../packages/nats/dist/index.js')
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' })
  await removeNamespace(nc, namespace)
  await nc.close()
}

/** Deletes every Redis key of a namespace (`qqbot:{<namespace>}…` and its `:partitions` and `:ingresses` keys). */
export async function removeRedisNamespace(namespace) {
  const { Redis } = await import('ioredis')
  const { removeNamespace } = await import('../packages/redis/dist/index.js')
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  await removeNamespace(redis, namespace)
  redis.disconnect()
}
