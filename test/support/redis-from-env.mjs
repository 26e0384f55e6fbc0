// The Redis connection of a test's child process, from its environment: REDIS_CLUSTER (host:port,… of a
// Redis Cluster), REDIS_SENTINELS (host:port,… of the sentinels, with REDIS_SENTINEL_NAME, default mymaster),
// or REDIS_URL (default the local server).
import { Cluster, Redis } from 'ioredis'

const hostPorts = (list) =>
  list.split(',').map((address) => {
    const [host, port] = address.split(':')
    return { host, port: Number(port) }
  })

export function redisFromEnv(env = process.env) {
  if (env.REDIS_CLUSTER) return new Cluster(hostPorts(env.REDIS_CLUSTER))
  if (env.REDIS_SENTINELS)
    return new Redis({ sentinels: hostPorts(env.REDIS_SENTINELS), name: env.REDIS_SENTINEL_NAME ?? 'mymaster' })
  return new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379')
}
