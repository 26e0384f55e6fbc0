// The fake platform in its own process for stream-burst.mjs: dispatches one C2C message per conversation and
// counts what the bot sends back (stream frames, replies, typing indicators) and the sockets it opens.
import { startFakePlatform, c2cMessage } from '../packages/fake-platform/dist/index.js'

// Every conversation spends one msg_seq on its typing indicator and one per stream or per reply, so the
// per-message budget is raised for the baseline's many replies to one message (the client raises it alike).
const budget = Number(process.env.BENCH_REPLY_BUDGET ?? 100)
const platform = await startFakePlatform({
  heartbeatIntervalMs: 30_000,
  logRetention: 1_000,
  replyBudget: { c2c: budget },
})

let counts = { frames: 0, finalFrames: 0, replies: 0, typing: 0, errors: 0 }
let firstErrors = []
let startedAt = 0
let lastRequestAt = 0

platform.onRequest((call) => {
  if (call.method !== 'POST' || startedAt === 0) return
  const isStream = call.path.endsWith('/stream_messages')
  if (!isStream && !call.path.endsWith('/messages')) return
  lastRequestAt = Date.now()
  if (call.status >= 300) {
    counts.errors++
    if (firstErrors.length < 3) firstErrors.push({ path: call.path, status: call.status, body: call.response })
    return
  }
  if (isStream) {
    counts.frames++
    if (call.body?.input_state === 10) counts.finalFrames++
  } else if (call.body?.msg_type === 6) counts.typing++
  else counts.replies++
})

process.on('message', async (message) => {
  if (message.type === 'burst') {
    await platform.waitForReady(1, 30_000)
    counts = { frames: 0, finalFrames: 0, replies: 0, typing: 0, errors: 0 }
    firstErrors = []
    platform.resetConnectionStats()
    startedAt = Date.now()
    // One user per conversation: distinct senders are handled concurrently.
    await platform.dispatchBurst(message.count, (i) => c2cMessage({ content: `ask ${i}`, userOpenid: `user-${i}` }))
    process.send({ type: 'dispatched' })
  }
  if (message.type === 'report') {
    process.send({
      type: 'report',
      ...counts,
      requests: counts.frames + counts.replies + counts.typing,
      firstErrors,
      elapsedMs: lastRequestAt - startedAt,
      peakConnections: platform.httpConnections.peak,
    })
  }
})

process.send({ type: 'ready', url: platform.url, appId: platform.appId, secret: platform.secret })
