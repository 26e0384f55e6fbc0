// The split's floor, worker side: reads the frames floor-ingress.mjs published (BROKER=redis: XREADGROUP of 128
// on one connection, XACK of what was answered on another; BROKER=nats: pull requests of 128 to the durable
// consumer), replies to each /ping n as bot-raw.mjs does and acknowledges it once answered (a message of
// several frames, FLOOR_BATCHED=1 on the ingress, once all are). No claim, no dedupe, no done mark.
import { openNatsFloor, openRedisFloor } from './floor-broker.mjs'
import { floorRest, pongRequest } from './floor-setup.mjs'
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret, NAMESPACE: namespace } = process.env
const { pool, headers } = await floorRest({ url, appId, secret })
let nats
let reads = 0
let acked = 0

/** Sends the frame's pong (if it is a /ping), then calls `done`. */
function answer(frame, done) {
  const { t, d } = JSON.parse(frame)
  const pong = pongRequest(t, d)
  if (!pong) return done()
  pool
    .request({ path: pong.path, method: 'POST', headers, body: pong.body })
    .then((response) => response.body.dump())
    .then(done, (error) => console.error('floor send failed', error.message))
}

async function pullNats() {
  const { createInbox } = await import('@nats-io/transport-node')
  const floor = await openNatsFloor(namespace)
  nats = floor.nats
  const { stream, consumer } = floor
  // JetStream's pull protocol by hand: a request for up to 128 messages (5 s at most) answered on an inbox; the
  // next one once they came or the request ended (a status message, no data); an acknowledgement is an empty
  // publish to the message's reply subject.
  const inbox = createInbox()
  const request = JSON.stringify({ batch: 128, expires: 5_000 * 1_000_000 })
  let left = 0
  const pull = () => {
    left = 128
    reads++
    nats.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, request, { reply: inbox })
  }
  nats.subscribe(inbox, {
    callback: (error, msg) => {
      if (error) return console.error('floor pull failed', error.message)
      if (msg.data.length === 0) return pull()
      const frames = msg.string().split('\n')
      let open = frames.length
      for (const frame of frames) answer(frame, () => --open === 0 && (msg.respond(), (acked += frames.length)))
      if (--left === 0) pull()
    },
  })
  pull()
  process.send({ type: 'ready' })
}

async function readRedis() {
  const {
    connections: [reader, writer],
    key,
    group,
  } = await openRedisFloor(namespace, 2)
  let answered = []
  const flushAcks = () => {
    writer.xack(key, group, ...answered)
    acked += answered.length
    answered = []
  }
  process.send({ type: 'ready' })
  for (;;) {
    const result = await reader.xreadgroup(
      'GROUP',
      group,
      `w${process.pid}`,
      'COUNT',
      128,
      'BLOCK',
      5_000,
      'STREAMS',
      key,
      '>',
    )
    if (!result) continue
    reads++
    for (const [id, fields] of result[0][1])
      answer(fields[1], () => {
        if (answered.push(id) === 1) setImmediate(flushAcks)
      })
  }
}

serveStats(() => ({ ...(nats ? { nats: nats.stats() } : {}), reads, acked }))
await (process.env.BROKER === 'nats' ? pullNats() : readRedis())
