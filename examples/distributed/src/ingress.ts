/**
 * Ingress: holds the gateway shards (shared with the other ingress processes through Redis leases) and
 * appends every validated event to the Redis stream. Runs no commands.
 */
import { startHealthServer } from '@qqbot/core'
import { createBot } from '@qqbot/framework'
import { createRedisIngress, redisScaleOut } from '@qqbot/redis'
import { controllers } from './controllers.js'
import { connectRedis, onShutdown, readSettings } from './settings.js'

const settings = readSettings()
const redis = connectRedis(settings)
// The workers' bot, never started: it tells which intents their controllers need.
const { intents } = createBot({ appId: settings.appId, secret: settings.secret, controllers }).client
const ingress = createRedisIngress({
  appId: settings.appId,
  secret: settings.secret,
  hosts: settings.hosts,
  intents,
  shards: settings.shards,
  redis,
  ...redisScaleOut({
    redis,
    namespace: settings.appId,
    memberId: process.env.MEMBER_NAME,
    leaseTtlMs: process.env.LEASE_TTL_MS ? Number(process.env.LEASE_TTL_MS) : undefined,
    identify: { intervalMs: settings.identifyIntervalMs },
  }),
})
const health = await startHealthServer(ingress.client, {
  port: settings.healthPort,
  host: settings.healthHost,
  checks: { redis: async () => (await redis.ping()) === 'PONG' },
})
await ingress.start()
console.log(
  `ingress ${process.env.MEMBER_NAME ?? process.pid}: sharing ${settings.shards} shard(s); health at ${health.url}`,
)
onShutdown(async () => {
  await ingress.stop()
  await health.close()
  await redis.quit()
})
