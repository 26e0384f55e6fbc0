// The same webhook bot on @qqbot/core: source 'webhook', a handler per scene, answered with client.reply().
import { Writable } from 'node:stream'
import { createClient } from '../packages/core/dist/index.js'
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret } = process.env
// BENCH_ACK_BUDGET_MS, BENCH_MAX_PENDING and BENCH_HOLD_ACKS_FROM override the webhook's defaults, to see what the
// ACK hold and the cap cost.
const tuning = {
  ...(process.env.BENCH_ACK_BUDGET_MS && { ackBudgetMs: Number(process.env.BENCH_ACK_BUDGET_MS) }),
  ...(process.env.BENCH_MAX_PENDING && { maxPendingEvents: Number(process.env.BENCH_MAX_PENDING) }),
  ...(process.env.BENCH_HOLD_ACKS_FROM && { holdAcksFrom: Number(process.env.BENCH_HOLD_ACKS_FROM) }),
}
// Log lines are counted, not printed: forged requests must cost a sampled line, not one each.
let logLines = 0
const logDestination = new Writable({
  write(chunk, _encoding, callback) {
    logLines += chunk.toString().split('\n').length - 1
    callback()
  },
})
const client = createClient({
  appId,
  secret,
  hosts: { api: url },
  logLevel: 'warn',
  logDestination,
  source: 'webhook',
  webhook: { port: 0, host: '127.0.0.1', ...tuning },
})
const onMessage = (event) => {
  const match = /\/ping (\d+)/.exec(event.data.content)
  return match ? client.reply(event, `pong ${match[1]}`) : undefined
}
client.on('GROUP_AT_MESSAGE_CREATE', onMessage)
client.on('AT_MESSAGE_CREATE', onMessage)
await client.start()
process.send({ type: 'ready', url: client.webhook.url })

serveStats(() => {
  const { counters } = client.metrics()
  const sum = (series = {}) => Object.values(series).reduce((total, value) => total + value, 0)
  return {
    forged: sum(counters.webhook_rejected),
    logLines,
    held: sum(counters.webhook_acks_held),
    overBudget: sum(counters.webhook_acks_over_budget),
  }
})
