// A worker of the scale-out benchmark: reads the stream and answers like bot-core.mjs does.
import { Redis } from 'ioredis'
import { serveStats } from './ipc.mjs'
import { createClient } from '../packages/core/dist/index.js'
import { RedisStreamSource } from '../packages/redis/dist/index.js'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret, NAMESPACE: namespace } = process.env
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true })
const source = new RedisStreamSource({ redis, namespace, batchSize: 128 })
const client = createClient({ appId, secret, hosts: { api: url }, source, logLevel: 'warn' })
const onMessage = (event) => {
  const match = /\/ping (\d+)/.exec(event.data.content)
  return match ? client.reply(event, `pong ${match[1]}`) : undefined
}
client.on('GROUP_AT_MESSAGE_CREATE', onMessage)
client.on('AT_MESSAGE_CREATE', onMessage)
await client.start()
process.send({ type: 'ready' })
serveStats()
