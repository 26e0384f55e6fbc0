// The split's floor, ingress side: the raw gateway loop of bot-raw.mjs publishing each dispatched frame as it
// came to the broker (BROKER=redis: XADD, the frames of one turn in one pipeline; BROKER=nats: a publish to the
// stream's subject with the event id as Nats-Msg-Id and a reply inbox for JetStream's acknowledgement), and
// nothing else: no validation, no seq kept, no retry. FLOOR_BATCHED=1 (NATS): the frames of one turn in one
// message, one per line, what JetStream costs when it stores and delivers a message per batch, not per event.
import { openNatsFloor, openRedisFloor } from './floor-broker.mjs'
import { floorRest, rawGateway } from './floor-setup.mjs'
import { serveStats } from './ipc.mjs'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret, NAMESPACE: namespace } = process.env
const onFailure = (error) => console.error('floor publish failed', error.message)
let nats

async function natsPublisher() {
  const { createInbox, headers } = await import('@nats-io/transport-node')
  const floor = await openNatsFloor(namespace)
  nats = floor.nats
  const { subject } = floor
  // JetStream's acknowledgements, all on one inbox: counted, a refusal logged.
  const inbox = createInbox()
  nats.subscribe(`${inbox}.*`, {
    callback: (error, msg) => (error || msg.json().error) && onFailure(error ?? new Error(msg.string())),
  })
  let token = 0
  if (process.env.FLOOR_BATCHED === '1') {
    let pending = []
    const flush = () => {
      const msgHeaders = headers()
      msgHeaders.set('Nats-Msg-Id', `${pending[0].id}+${pending.length}`)
      nats.publish(subject, pending.map((p) => p.frame).join('\n'), {
        reply: `${inbox}.${token++}`,
        headers: msgHeaders,
      })
      pending = []
    }
    return (payload, frame) => {
      if (pending.push({ id: payload.id, frame: frame.toString() }) === 1) setImmediate(flush)
    }
  }
  return (payload, frame) => {
    const msgHeaders = headers()
    msgHeaders.set('Nats-Msg-Id', payload.id)
    nats.publish(subject, frame, { reply: `${inbox}.${token++}`, headers: msgHeaders })
  }
}

async function redisPublisher() {
  const {
    connections: [redis],
    key,
  } = await openRedisFloor(namespace)
  let pending = []
  const flush = () => {
    const pipeline = redis.pipeline()
    for (const frame of pending) pipeline.xadd(key, '*', 'e', frame)
    pending = []
    pipeline.exec().catch(onFailure)
  }
  return (payload, frame) => {
    if (pending.push(frame) === 1) setImmediate(flush)
  }
}

const publish = process.env.BROKER === 'nats' ? await natsPublisher() : await redisPublisher()
const { pool, headers } = await floorRest({ url, appId, secret })
await rawGateway({ pool, headers, onReady: () => process.send({ type: 'ready' }), onDispatch: publish })
serveStats(() => (nats ? { nats: nats.stats() } : {}))
