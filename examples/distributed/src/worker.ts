/** Worker: reads events from the Redis stream and runs the command layer; scale it with the load. */
import { startHealthServer } from '@qqbot/core'
import { createBot } from '@qqbot/framework'
import { RedisStreamSource } from '@qqbot/redis'
import { controllers } from './controllers.js'
import { connectRedis, onShutdown, readSettings } from './settings.js'

const settings = readSettings()
const redis = connectRedis(settings)
const bot = createBot({
  appId: settings.appId,
  secret: settings.secret,
  hosts: settings.hosts,
  controllers,
  source: new RedisStreamSource({
    redis,
    namespace: settings.appId,
    workerName: process.env.WORKER_NAME,
    claimIdleMs: Number(process.env.CLAIM_IDLE_MS ?? 30_000),
  }),
})
const health = await startHealthServer(bot.client, {
  port: settings.healthPort,
  host: settings.healthHost,
  checks: { redis: async () => (await redis.ping()) === 'PONG' },
})
await bot.start()
console.log(`worker ${process.env.WORKER_NAME ?? process.pid}: reading the stream; health at ${health.url}`)
onShutdown(async () => {
  await bot.stop()
  await health.close()
  await redis.quit()
})
