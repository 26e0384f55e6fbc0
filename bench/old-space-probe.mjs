// node --expose-gc bench/old-space-probe.mjs: the bot in this process (@qqbot/core, one handler that replies),
// the soak's fake platform in a child. Sends BENCH_EVENTS events of one scene at BENCH_RATE and accounts for
// the collector (bench/gc-accounting.mjs) over the second half of them, after a full collection: bytes per
// event promoted to the old generation and allocated there directly. The full collection matters: it moves
// everything alive in the young generation (Map and Set tables too) to the old one, as a soak's collections
// have, and only then do old-space costs show. A probe to switch suspects on and off, not a report:
//   BENCH_SCENE=group|c2c|guild (group)  BENCH_EVENTS (20000)  BENCH_RATE (500)  BENCH_ORDER=none|chat (user-in-chat)
//   BENCH_REPLY=0 (the handler does not reply)  BENCH_DEDUPE_MAX=5000 (pipeline.dedupeMaxEntries: a cap the first half
//   fills, so the accounted half has the dedupe cache's steady state, one key in and one out per event)
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createClient } from '../packages/core/dist/index.js'
import { startGcAccounting } from './gc-accounting.mjs'
import { nextMessage } from './ipc.mjs'

if (typeof globalThis.gc !== 'function') throw new Error('run it with node --expose-gc (see the top of this file)')

const SCENE = process.env.BENCH_SCENE ?? 'group'
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000)
const RATE = Number(process.env.BENCH_RATE ?? 500)
const ORDER = process.env.BENCH_ORDER
const REPLY = process.env.BENCH_REPLY !== '0'
const DEDUPE_MAX = process.env.BENCH_DEDUPE_MAX ? Number(process.env.BENCH_DEDUPE_MAX) : undefined

const platform = fork(fileURLToPath(new URL('soak-platform.mjs', import.meta.url)), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
})
process.on('exit', () => platform.kill())
const { url, appId, secret } = await nextMessage(platform, 'ready')
const client = createClient({
  appId,
  secret,
  hosts: { api: url },
  logLevel: 'warn',
  pipeline: { ...(ORDER && { order: ORDER }), ...(DEDUPE_MAX && { dedupeMaxEntries: DEDUPE_MAX }) },
})
let handled = 0
let stopAccounting
let accountedFrom = 0
let finish
const allHandled = new Promise((resolve) => (finish = resolve))
const onHandled = () => {
  handled++
  if (handled === EVENTS / 2) {
    accountedFrom = handled
    globalThis.gc()
    stopAccounting = startGcAccounting()
  }
  if (handled === EVENTS) finish(stopAccounting())
}
const onMessage = async (event) => {
  const match = /\/ping (\d+)/.exec(event.data.content)
  if (match && REPLY) await client.reply(event, `pong ${match[1]}`)
  onHandled()
}
client.on('GROUP_AT_MESSAGE_CREATE', onMessage)
client.on('AT_MESSAGE_CREATE', onMessage)
client.on('C2C_MESSAGE_CREATE', onMessage)
await client.start()
platform.send({ type: 'run', rate: RATE, seconds: EVENTS / RATE + 0.05, scenes: [SCENE] })
const gcs = await allHandled
const n = EVENTS - accountedFrom
const perEvent = (bytes) => Math.round(bytes / n)
const direct = Object.entries(gcs.allocatedOld)
  .map(([space, bytes]) => `${space} ${perEvent(bytes)}`)
  .join(', ')
console.log(
  `${SCENE} order=${ORDER ?? 'user-in-chat'} reply=${REPLY ? 'yes' : 'no'} dedupe cap=${DEDUPE_MAX ?? 'default'} ` +
    `over ${n} events: ` +
    `promoted ${perEvent(gcs.promoted)} B/event, allocated in old space directly ${direct} B/event; ` +
    `${gcs.scavenges} scavenges, ${gcs.majors} major GCs, CPU ${Math.round((gcs.cpuMs * 1000) / n)} µs/event`,
)
await client.stop()
platform.kill()
