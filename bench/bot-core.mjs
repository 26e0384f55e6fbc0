// The same bot on @qqbot/core: a handler per scene, answered with client.reply().
import { createClient } from '../packages/core/dist/index.js'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret } = process.env
const client = createClient({ appId, secret, hosts: { api: url }, logLevel: 'warn' })
const onMessage = (event) => {
  const match = /\/ping (\d+)/.exec(event.data.content)
  return match ? client.reply(event, `pong ${match[1]}`) : undefined
}
client.on('GROUP_AT_MESSAGE_CREATE', onMessage)
client.on('AT_MESSAGE_CREATE', onMessage)
await client.start()
process.send({ type: 'ready' })

process.on('message', (message) => {
  if (message.type !== 'stats') return
  const usage = process.resourceUsage()
  process.send({ type: 'stats', maxRssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, metrics: client.metrics().counters })
})

// SIGINT (sent by the runner) exits normally so --cpu-prof can write its profile.
process.on('SIGINT', () => process.exit(0))
