// The same bot on @qqbot/core: a handler per scene, answered with client.reply().
import { createClient } from '../packages/core/dist/index.js'
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret, BENCH_ORDER: order } = process.env
// BENCH_ORDER=none measures what per-sender ordering costs.
const pipeline = order ? { order } : {}
const client = createClient({ appId, secret, hosts: { api: url }, logLevel: 'warn', pipeline })
const onMessage = (event) => {
  const match = /\/ping (\d+)/.exec(event.data.content)
  return match ? client.reply(event, `pong ${match[1]}`) : undefined
}
client.on('GROUP_AT_MESSAGE_CREATE', onMessage)
client.on('AT_MESSAGE_CREATE', onMessage)
client.on('C2C_MESSAGE_CREATE', onMessage)
await client.start()
process.send({ type: 'ready' })

serveStats(() => ({ metrics: client.metrics().counters }))
