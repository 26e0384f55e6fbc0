// npm run bench:reload: reloads a plugin REPS times (default 200) while a steady stream of messages arrives,
// and reports the time per reload, the time from reload() to the new code's first answer, and the RSS before
// and after. One process (bot and fake platform). Not a test: a report. Run with --expose-gc for steadier RSS.
// BENCH_MODE=objects (default): each version is a new plugin object built in this process.
// BENCH_MODE=modules: each version is the example's dice plugin module (examples/dice/dist/dice-bot.js) written
// anew and imported again with a cache-busting query, as `qqbot-dev` reloads it on save: the old modules stay
// in memory (ES modules cannot be unloaded), so this mode measures what a reload in development leaves behind.
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { startFakePlatform, groupAtMessage } from '../packages/fake-platform/dist/index.js'
import { Arg, Command, Controller, createBot, definePlugin } from '../packages/framework/dist/index.js'
import { RandomService } from '../examples/dice/dist/random-service.js'
import { machineLine, median } from './ipc.mjs'

const REPS = Number(process.env.BENCH_RELOADS ?? 200)
const EVENTS_PER_SECOND = Number(process.env.BENCH_RATE ?? 200)
const MODE = process.env.BENCH_MODE ?? 'objects'
if (MODE !== 'objects' && MODE !== 'modules') throw new Error(`BENCH_MODE is objects or modules, not ${MODE}`)

/** Objects mode: a new version of the plugin, a new controller class, as new code would bring. */
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

// Modules mode: a copy of the built dice module beside it (its relative imports resolve), its /pick answer
// marked with the version so the new code's answer is recognisable.
const diceSource = new URL('../examples/dice/dist/dice-bot.js', import.meta.url)
const diceCopy = new URL('../examples/dice/dist/.bench-reload-dice.js', import.meta.url)
const diceText = MODE === 'modules' ? readFileSync(diceSource, 'utf8') : ''
if (MODE === 'modules' && !diceText.includes('`👉 ')) throw new Error('dice-bot.js no longer answers /pick with 👉')
async function diceModule(version) {
  writeFileSync(diceCopy, diceText.replace('`👉 ', `\`👉v${version} `))
  const exports = await import(`${pathToFileURL(diceCopy.pathname).href}?v=${version}`)
  return exports.dice({ defaultSides: 6 })
}

const pluginVersion = (version) => (MODE === 'modules' ? diceModule(version) : counter(version))
const command = (i) => (MODE === 'modules' ? `/pick ${i}, ${i}` : `/n ${i}`)
const answer = (version, i) => (MODE === 'modules' ? `👉v${version} ${i}` : `v${version} ${i}`)

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
  providers: [RandomService],
  plugins: [await pluginVersion(0)],
})
await bot.start()

let sent = 0
const send = (i) => {
  const event = groupAtMessage({ content: command(i), memberOpenid: `user-${i % 50}` })
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
  const wanted = answer(version, probe)
  const deadline = Date.now() + 10_000
  for (;;) {
    const sentNow = platform.sent
    for (; seen < sentNow.length; seen++) if (sentNow[seen].body.content === wanted) return
    if (Date.now() > deadline) throw new Error(`no answer from version ${version} within 10 s`)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

try {
  // Warm up, then measure.
  for (let version = 1; version <= 20; version++) await bot.plugins.reload(await pluginVersion(version))
  const rssBefore = rssMb()
  const reloadMs = []
  const answerMs = []
  const rssAt = []
  for (let version = 21; version < 21 + REPS; version++) {
    const started = performance.now()
    await bot.plugins.reload(await pluginVersion(version))
    reloadMs.push(performance.now() - started)
    await firstAnswerFrom(version)
    answerMs.push(performance.now() - started)
    if ((version - 20) % 50 === 0) rssAt.push(`${version - 20}: ${rssMb().toFixed(1)}`)
  }
  clearInterval(load)
  await bot.client.idle()
  await platform.waitForSent(sent, 10_000).catch(() => undefined)
  const rssAfter = rssMb()
  const answered = new Set(platform.sent.map((message) => String(message.body.content).split(' ')[1]))

  console.log('# qqbot plugin reload benchmark')
  console.log(machineLine())
  console.log(`${REPS} reloads (${MODE}) under ${EVENTS_PER_SECOND} messages/s\n`)
  console.table({
    [`reload() ms, median${MODE === 'modules' ? ' (import included)' : ''}`]: median(reloadMs).toFixed(2),
    'reload() ms, max': Math.max(...reloadMs).toFixed(2),
    'to the new code answering, ms, median': median(answerMs).toFixed(2),
    'to the new code answering, ms, max': Math.max(...answerMs).toFixed(2),
    'RSS before, MB': rssBefore.toFixed(1),
    'RSS after, MB': rssAfter.toFixed(1),
    'RSS growth': `${(((rssAfter - rssBefore) / rssBefore) * 100).toFixed(1)} %`,
    'RSS growth per reload, KB': (((rssAfter - rssBefore) * 1024) / REPS).toFixed(1),
    'RSS MB after n reloads': rssAt.join(', '),
    'messages sent': sent,
    'messages unanswered': sent - answered.size,
  })
} finally {
  clearInterval(load)
  rmSync(diceCopy, { force: true })
  await bot.stop()
  await platform.close()
}
