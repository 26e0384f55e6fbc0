/**
 * For docker compose only: a fake QQ platform the ingress processes connect to, so the whole split runs
 * without an account. It sends a /ping to a random shard every DEMO_INTERVAL_MS and logs each answer.
 */
import { groupAtMessage, startFakePlatform } from '@qqbot/fake-platform'

const shards = Number(process.env.QQBOT_SHARDS ?? 2)
const platform = await startFakePlatform({
  host: '0.0.0.0',
  port: Number(process.env.PORT ?? 8080),
  appId: process.env.QQBOT_APP_ID,
  secret: process.env.QQBOT_APP_SECRET,
  recommendedShards: shards,
})
console.log(`fake QQ platform on ${platform.url} (${shards} shards)`)
platform.onSent((message) =>
  console.log(`bot answered ${String(message.body.msg_id)}: ${String(message.body.content)}`),
)
let sequence = 0
setInterval(
  () => {
    if (platform.gatewayStats.connections === 0) return
    const event = groupAtMessage({ content: `/ping ${++sequence}`, memberOpenid: `user-${sequence % 20}` })
    platform.dispatch(event.t, event.d, { shard: sequence % shards, shardCount: shards })
  },
  Number(process.env.DEMO_INTERVAL_MS ?? 2_000),
)
process.once('SIGTERM', () => void platform.close().then(() => process.exit(0)))
