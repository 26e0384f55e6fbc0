// One worker process of an ingress/worker test: reads events from the Redis stream, answers each group
// message, and reports {type:'handled', id} lines on stdout. Runs from the built packages (dist).
import { Redis } from 'ioredis'
import { createClient } from '@qqbot/core'
import { RedisStreamSource } from '@qqbot/redis'

const env = process.env
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)
const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const source = new RedisStreamSource({ redis, namespace: env.NAMESPACE, consumer: env.MEMBER, claimIdleMs: Number(env.CLAIM_IDLE_MS ?? 2000), blockMs: 200 })
const client = createClient({ appId: env.APP_ID, secret: env.APP_SECRET, hosts: { api: env.API_URL }, source, logLevel: env.LOG_LEVEL ?? 'silent' })
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
  await redis.quit()
  process.exit(0)
})
