// One bot process of a scale-out test: runs the shards Redis grants it, answers each group message once,
// and reports on stdout, one JSON object per line: {type:'handled', id}, {type:'shards', shards}, {type:'lost'}.
// Runs from the built packages (dist): the test builds first, as CI does.
import { createClient } from '@qqbot/core'
import { redisScaleOut } from '@qqbot/redis'
import { redisFromEnv } from './redis-from-env.mjs'

const env = process.env
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)
const redis = redisFromEnv(env)
redis.on('error', () => undefined) // outages and failovers are what some tests are about
const scaleOut = redisScaleOut({
  redis,
  namespace: env.NAMESPACE,
  memberId: env.MEMBER,
  // Unset: the library's default lease TTL and renew interval.
  leaseTtlMs: env.LEASE_TTL_MS ? Number(env.LEASE_TTL_MS) : undefined,
  settleMs: Number(env.SETTLE_MS ?? 500),
  identify: { intervalMs: 0 },
})
const client = createClient({
  appId: env.APP_ID,
  secret: env.APP_SECRET,
  hosts: { api: env.API_URL },
  shards: Number(env.SHARDS),
  logLevel: env.LOG_LEVEL ?? 'silent',
  gateway: { identifyIntervalMs: 0, backoff: { baseMs: 50, maxMs: 500 } },
  ...scaleOut,
})
client.on('GROUP_AT_MESSAGE_CREATE', async (event) => {
  report({ type: 'handled', id: event.data.id })
  if (env.REPLY === '1') await client.reply(event, `pong ${event.data.id}`)
})
await client.start()
let last = ''
setInterval(() => {
  const shards = scaleOut.shardCoordinator.shards
  const now = shards.join(',')
  if (now !== last) report({ type: 'shards', shards })
  last = now
}, 100)
report({ type: 'started', shards: scaleOut.shardCoordinator.shards })
process.on('SIGTERM', async () => {
  await client.stop()
  await redis.quit()
  process.exit(0)
})
