/**
 * `{{run}} ingress`: holds the bot's gateway shards (shared with the other ingress processes through Redis
 * leases) and appends every validated event to a Redis stream for the workers. Runs no commands.
 */
import { startHealthServer } from '@qqbot/core'
import { createBot } from '@qqbot/framework'
import { createRedisIngress, redisScaleOut } from '@qqbot/redis'
import { controllers, locale, providers } from './bot.js'
import { plugins } from './plugins.js'
import { connectRedis } from './redis.js'
import { readSettings } from './settings.js'
import { onShutdown } from './shutdown.js'

const settings = readSettings()
const redis = connectRedis(settings.redisUrl)
// The workers' bot, never started: it knows which intents their controllers need.
const { intents } = createBot({
  appId: settings.appId,
  secret: settings.secret,
  controllers,
  providers,
  plugins,
  locale,
}).client
const ingress = createRedisIngress({
  appId: settings.appId,
  secret: settings.secret,
  hosts: settings.hosts,
  intents,
  shards: settings.shards,
  redis,
  ...redisScaleOut({ redis, namespace: settings.appId, memberId: settings.processName }),
})
const health = await startHealthServer(ingress.client, {
  port: settings.healthPort,
  host: settings.healthHost,
  checks: { redis: async () => (await redis.ping()) === 'PONG' },
})
await ingress.start()
console.log(
  `ingress ${settings.processName ?? process.pid}: sharing ${settings.shards} shard(s) with the other ingress processes; health at ${health.url}`,
)
onShutdown(async () => {
  // Hands its shards back to the other ingress processes, which RESUME them at once.
  await ingress.stop()
  await health.close()
  await redis.quit()
})
