// The bot for stream-burst.mjs, on @qqbot/core. BENCH_MODE=stream answers each C2C message with
// client.stream(): CHUNKS chunks appended PACE_MS apart, the last one given to done(). BENCH_MODE=reply
// (the baseline) answers each with BENCH_REPLIES plain client.reply() calls, PACE_MS apart.
import { createClient } from '../packages/core/dist/index.js'

const env = process.env
const mode = env.BENCH_MODE
const chunks = Number(env.BENCH_CHUNKS)
const paceMs = Number(env.BENCH_PACE_MS)
const replies = Number(env.BENCH_REPLIES)
const conversations = Number(env.BENCH_STREAMS)
const client = createClient({
  appId: env.QQBOT_APP_ID,
  secret: env.QQBOT_SECRET,
  hosts: { api: env.QQBOT_URL },
  logLevel: 'warn',
  replies: { limits: { c2c: Number(env.BENCH_REPLY_BUDGET) } },
  streaming: { intervalMs: Number(env.BENCH_INTERVAL_MS) },
})

const pause = () => new Promise((resolve) => setTimeout(resolve, paceMs))
const chunk = (i) => `chunk ${i} of the answer, about as long as a model's piece. `

async function streamAnswer(event) {
  const stream = client.stream(event)
  for (let i = 1; i < chunks; i++) {
    stream.append(chunk(i))
    await pause()
  }
  const result = await stream.done(stream.text + chunk(chunks))
  if (result.delivery !== 'stream') throw new Error(`a stream degraded: ${result.degradedBecause}`)
}

async function replyAnswer(event) {
  // Paced like a stream: its typing indicator and first frame go at once, then a frame per chunk.
  const atOnce = replies - chunks + 1
  for (let i = 1; i <= replies; i++) {
    await client.reply(event, chunk(i))
    if (i >= atOnce && i < replies) await pause()
  }
}

let finished = 0
let failed = 0
let firstFailure
// The answer runs beside the handler, so the pipeline's handler concurrency does not cap the conversations.
client.on('C2C_MESSAGE_CREATE', (event) => {
  const answer = mode === 'stream' ? streamAnswer(event) : replyAnswer(event)
  answer
    .catch((error) => {
      failed++
      firstFailure ??= String(error?.stack ?? error)
    })
    .finally(() => {
      if (++finished === conversations)
        process.send({ type: 'answered', failed, firstFailure, cpuMs: cpuMs() - cpuAtStart })
    })
})

const cpuMs = () => {
  const usage = process.resourceUsage()
  return (usage.userCPUTime + usage.systemCPUTime) / 1000
}
await client.start()
// CPU is counted from here: start-up (module loading, token, gateway) is the same in both modes and not a frame's cost.
const cpuAtStart = cpuMs()
process.send({ type: 'ready' })
process.on('message', (message) => {
  if (message.type === 'stats') process.send({ type: 'stats', maxRssMb: process.resourceUsage().maxRSS / 1024 })
})
process.on('SIGINT', () => process.exit(0))
