// npm run bench:reload: reloads a plugin REPS times (default 200) while a steady stream of messages arrives,
// and reports the time per reload, the time from reload() to the new code's first answer, and the RSS before
// and after. One process (bot and fake platform). Not a test: a report. Run with --expose-gc for steadier RSS.
import { z } from 'zod'
import { startFakePlatform, groupAtMessage } from '../packages/fake-platform/dist/index.js'
import { Arg, Command, Controller, createBot, definePlugin } from '../packages/framework/dist/index.js'
import { machineLine, median } from './ipc.mjs'

const REPS = Number(process.env.BENCH_RELOADS ?? 200)
const EVENTS_PER_SECOND = Number(process.env.BENCH_RATE ?? 200)

/** A new version of the plugin: a new controller class, as new code would bring. */
function counter(version) {
  class Counter {
    n(i) {
      return `v${version} ${i}`
    }
  }
  Arg('i', z.coerce.number().int())(Counter.prototype, 'n', 0)
  Command('n')(Counter.prototype, 'n', Object.getOwnPropertyDescriptor(Counter.prototype, 'n'))
  Controller({ scenes: ['group'] })(Counter)
  return definePlugin({ name: 'counter', version: `1.0.${version}`, controllers: [Counter] })
}

const rssMb = () => {
  globalThis.gc?.()
  return process.memoryUsage().rss / 1024 / 1024
}

const platform = await startFakePlatform({ heartbeatIntervalMs: 5_000 })
const bot = createBot({
  appId: platform.appId,
  secret: platform.secret,
  hosts: { api: platform.url },
  logLevel: 'warn',
  gateway: { identifyIntervalMs: 0 },
  plugins: [counter(0)],
})
await bot.start()

let sent = 0
const send = (i) => {
  const event = groupAtMessage({ content: `/n ${i}`, memberOpenid: `user-${i % 50}` })
  platform.dispatch(event.t, event.d)
  sent++
}
// A steady load: EVENTS_PER_SECOND messages a second, in ticks of 10 ms.
const load = setInterval(() => {
  for (let k = 0; k < EVENTS_PER_SECOND / 100; k++) send(sent)
}, 10)

/** Resolves when the platform received a reply from `version`, to a message sent after this call. */
async function firstAnswerFrom(version) {
  const probe = sent
  let seen = platform.sent.length
  send(probe)
  const wanted = `v${version} ${probe}`
  const deadline = Date.now() + 10_000
  for (;;) {
    const sentNow = platform.sent
    for (; seen < sentNow.length; seen++) if (sentNow[seen].body.content === wanted) return
    if (Date.now() > deadline) throw new Error(`no answer from version ${version} within 10 s`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

// Warm up, then measure.
for (let version = 1; version <= 20; version++) await bot.plugins.reload(counter(version))
const rssBefore = rssMb()
const reloadMs = []
const answerMs = []
for (let version = 21; version < 21 + REPS; version++) {
  const started = performance.now()
  const reloaded = bot.plugins.reload(counter(version))
  await reloaded
  reloadMs.push(performance.now() - started)
  await firstAnswerFrom(version)
  answerMs.push(performance.now() - started)
}
clearInterval(load)
await bot.client.idle()
await platform.waitForSent(sent, 10_000).catch(() => undefined)
const rssAfter = rssMb()
const answered = new Set(platform.sent.map((message) => String(message.body.content).split(' ')[1]))

console.log('# qqbot plugin reload benchmark')
console.log(machineLine())
console.log(`${REPS} reloads under ${EVENTS_PER_SECOND} messages/s\n`)
console.table({
  'reload() ms, median': median(reloadMs).toFixed(2),
  'reload() ms, max': Math.max(...reloadMs).toFixed(2),
  'to the new code answering, ms, median': median(answerMs).toFixed(2),
  'to the new code answering, ms, max': Math.max(...answerMs).toFixed(2),
  'RSS before, MB': rssBefore.toFixed(1),
  'RSS after, MB': rssAfter.toFixed(1),
  'RSS growth': `${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)} %`,
  'messages sent': sent,
  'messages unanswered': sent - answered.size,
})
await bot.stop()
await platform.close()
