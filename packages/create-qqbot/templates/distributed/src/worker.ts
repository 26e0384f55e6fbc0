/**
 * `{{run}} worker`: reads events from the Redis stream and runs the commands in src/commands/. Start as many
 * as the load needs; each event is handled by one of them.
 */
import { startHealthServer } from '@qqbot/core'
import { createBot } from '@qqbot/framework'
import { RedisStreamSource } from '@qqbot/redis'
import { controllers, locale, providers } from './bot.js'
import { plugins } from './plugins.js'
import { connectRedis } from './redis.js'
import { readSettings } from './settings.js'
import { onShutdown } from './shutdown.js'

const settings = readSettings()
const redis = connectRedis(settings.redisUrl)
const bot = createBot({
  appId: settings.appId,
  secret: settings.secret,
  hosts: settings.hosts,
  controllers,
  plugins,
  providers,
  locale,
  source: new RedisStreamSource({ redis, namespace: settings.appId, workerName: settings.processName }),
})
const health = await startHealthServer(bot.client, {
  port: settings.healthPort,
  host: settings.healthHost,
  checks: { redis: async () => (await redis.ping()) === 'PONG' },
})
await bot.start()
console.log(`worker ${settings.processName ?? process.pid}: reading the event stream; health at ${health.url}`)
onShutdown(async () => {
  // Stops reading; keeps the events it holds (renewed) while their handlers finish, up to 30 s, and returns
  // after acknowledging them. Whatever is still unfinished then goes to another worker after claimIdleMs.
  await bot.stop()
  await health.close()
  await redis.quit()
})
