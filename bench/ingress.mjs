// The ingress of the scale-out benchmark: the gateway shard, appending each event to a Redis stream.
import { Redis } from 'ioredis'
import { serveStats } from './ipc.mjs'
import { createIngress } from '../packages/redis/dist/index.js'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret, NAMESPACE: namespace } = process.env
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true })
const ingress = createIngress({ appId, secret, hosts: { api: url }, intents: ['GROUP_AND_C2C_EVENT', 'PUBLIC_GUILD_MESSAGES'], redis, namespace, logLevel: 'warn' })
await ingress.start()
process.send({ type: 'ready' })
serveStats()
