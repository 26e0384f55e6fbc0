import type { Writable } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { createClient, type DispatchedEvent, type QQBotClient } from '@qqbot/core'
import { groupAtMessage, groupMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { decodeEvent, encodeEvent, joinEncodedEvents } from './event-codec.js'
import { EventBatches } from './event-batches.js'
import { PubAckWindow } from './pub-ack-window.js'
import { createNatsIngress, type NatsIngress, type NatsIngressOptions } from './nats-ingress.js'
import { NatsStreamSource } from './nats-stream-source.js'
import { jetStreamNames } from './names.js'
import { ensureConsumer } from './stream-setup.js'
import { connectNats, freshNamespace, removeNamespace, startStallingProxy } from './test-nats.js'
import { PULLS_MISSED_HEARTBEATS } from './missed-heartbeats.js'
import { captureLogs } from '../../core/src/logging/test-log-capture.js'
import { until } from '../../../test/support/until.js'

let nc: NatsConnection
let platform: FakePlatform | undefined
const running: { stop(): Promise<void> }[] = []
const namespaces: string[] = []

beforeAll(async () => {
  nc = await connectNats()
})

afterAll(() => nc.close())

afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop()
  await platform?.close()
  platform = undefined
  for (const namespace of namespaces.splice(0)) await removeNamespace(nc, namespace)
})

function namespace(): string {
  const created = freshNamespace()
  namespaces.push(created)
  return created
}

async function startIngress(
  p: FakePlatform,
  ns: string,
  options: Pick<NatsIngressOptions, 'maxMessages' | 'eventsPerMessage' | 'partitions'> = {},
): Promise<NatsIngress> {
  const ingress = createNatsIngress({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    intents: ['GROUP_AND_C2C_EVENT'],
    nats: nc,
    namespace: ns,
    // The one shared subject unless a test asks for partitions (which have their own tests too).
    partitions: false,
    ...options,
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0 },
  })
  await ingress.start()
  running.push(ingress)
  return ingress
}

async function startWorker(
  p: FakePlatform,
  ns: string,
  handled: string[],
  options: {
    claimIdleMs?: number
    hold?: () => Promise<void>
    partitions?: number | boolean
    nats?: NatsConnection
    logDestination?: Writable
    /** The event the worker handles (and answers). Default GROUP_AT_MESSAGE_CREATE. */
    event?: 'GROUP_AT_MESSAGE_CREATE' | 'GROUP_MESSAGE_CREATE'
  } = {},
): Promise<QQBotClient> {
  const source = new NatsStreamSource({
    nats: options.nats ?? nc,
    namespace: ns,
    partitions: options.partitions ?? false,
    claimIdleMs: options.claimIdleMs ?? 1_000,
    blockMs: 1_000,
    leaseTtlMs: 10_000,
    renewIntervalMs: 200,
  })
  const worker = createClient({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    source,
    ...(options.logDestination
      ? { logLevel: 'debug' as const, logDestination: options.logDestination }
      : { logLevel: 'silent' as const }),
  })
  worker.on(options.event ?? 'GROUP_AT_MESSAGE_CREATE', async (event) => {
    handled.push(event.data.id)
    await options.hold?.()
    await worker.reply(event, `pong ${event.data.id}`)
  })
  await worker.start()
  running.push(worker)
  return worker
}

/** Dispatches `count` events; `fromOneUserEach` sends each from another user, so the ingress may publish them together. */
function dispatch(p: FakePlatform, count: number, fromOneUserEach = false): string[] {
  return Array.from({ length: count }, (_, i) => {
    const event = groupAtMessage({ content: `/ping ${i}`, ...(fromOneUserEach ? { memberOpenid: `user${i}` } : {}) })
    p.dispatch(event.t, event.d)
    return (event.d as { id: string }).id
  })
}

/** A stream's state now: messages held, last sequence stored. */
const streamState = async (stream: string) => (await (await jetstreamManager(nc)).streams.info(stream)).state

const replyCounts = (p: FakePlatform) => {
  const counts = new Map<string, number>()
  for (const message of p.sent)
    counts.set(message.body.msg_id as string, (counts.get(message.body.msg_id as string) ?? 0) + 1)
  return counts
}

const sampleEvent = (receivedAt = Date.now()): DispatchedEvent => {
  const built = groupAtMessage({ content: '/ping' })
  return {
    name: built.t,
    id: `${built.t}:evt`,
    data: built.d,
    seq: 7,
    source: 'gateway',
    shard: [1, 4],
    receivedAt,
    deliveryId: undefined,
    attempt: 1,
  } as DispatchedEvent
}

describe('JetStream event codec', () => {
  it('GIVEN a dispatched event THEN it decodes to the same envelope (name, id, data, seq, shard, receivedAt)', () => {
    const event = sampleEvent(1_700_000_000_000)
    const decoded = decodeEvent(encodeEvent(event))
    expect(decoded).toEqual({
      envelope: {
        name: event.name,
        id: event.id,
        data: event.data,
        seq: 7,
        source: 'jetstream:gateway',
        shard: [1, 4],
        receivedAt: 1_700_000_000_000,
      },
    })
  })

  it('GIVEN a message that is not an event THEN decoding says why', () => {
    expect(decodeEvent('not json')).toEqual({ error: 'the message is not JSON' })
    expect(decodeEvent('{"x":1}')).toEqual({ error: 'the message has no t (event name) or d (payload) field' })
  })

  it('GIVEN a namespace with characters JetStream names refuse THEN the names are made safe', () => {
    expect(jetStreamNames({ namespace: 'bot.1 2' })).toEqual({
      stream: 'QQBOT_bot_1_2',
      subject: 'qqbot.bot_1_2.events',
      consumer: 'workers',
      bucket: 'qqbot_bot_1_2_events',
    })
  })
})

describe('ingress and workers over NATS JetStream', () => {
  it('GIVEN one ingress and two workers THEN every event is answered exactly once and both workers share the work', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    await startIngress(p, ns)
    const first: string[] = []
    const second: string[] = []
    const workers = [await startWorker(p, ns, first), await startWorker(p, ns, second)]
    const ids = dispatch(p, 300)
    await until(() => replyCounts(p).size === ids.length, 20_000, 'every event to be answered')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
    expect(first.length + second.length).toBe(ids.length)
    expect(first.length).toBeGreaterThan(0)
    expect(second.length).toBeGreaterThan(0)
    const acked = workers.map((worker) => worker.metrics().counters.broker_acked?.[''] ?? 0)
    expect(acked[0]! + acked[1]!).toBe(ids.length)
  })

  it('GIVEN the same event published twice THEN JetStream keeps one within its duplicate window, and a copy published after it is skipped by its done mark', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    const handled: string[] = []
    const worker = await startWorker(p, ns, handled)
    const event = sampleEvent()
    const js = jetstream(nc)
    const msgID = `m:${(event.data as { id: string }).id}`
    const first = await js.publish(ingress.names.subject, encodeEvent(event), { msgID })
    const again = await js.publish(ingress.names.subject, encodeEvent(event), { msgID })
    expect(again).toMatchObject({ duplicate: true, seq: first.seq })
    await until(() => p.sent.length === 1, 5_000, 'the event to be answered')
    // Past the duplicate window (simulated by another Nats-Msg-Id): the worker recognises it by its key.
    await js.publish(ingress.names.subject, encodeEvent(event), { msgID: `${msgID}:later` })
    await until(
      () => (worker.metrics().counters.broker_duplicates?.[''] ?? 0) === 1,
      5_000,
      'the later copy to be skipped',
    )
    expect(handled).toHaveLength(1)
    expect(p.sent).toHaveLength(1)
  })

  it('GIVEN a message pushed as GROUP_AT_MESSAGE_CREATE and GROUP_MESSAGE_CREATE, and workers handling only the second THEN JetStream keeps both copies and it is answered once', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    await startIngress(p, ns)
    const handled: string[] = []
    const workers: QQBotClient[] = []
    for (let i = 0; i < 2; i++) workers.push(await startWorker(p, ns, handled, { event: 'GROUP_MESSAGE_CREATE' }))
    const at = groupAtMessage({ content: '/ping both' })
    const all = groupMessage({ content: '/ping both', mentionsBot: true })
    const id = (at.d as { id: string }).id
    ;(all.d as { id: string }).id = id
    p.dispatch(at.t, at.d)
    p.dispatch(all.t, all.d)
    await until(() => p.sent.length === 1, 5_000, 'the answer to the GROUP_MESSAGE_CREATE copy')
    await until(
      () => workers.reduce((acked, worker) => acked + (worker.metrics().counters.broker_acked?.[''] ?? 0), 0) === 1,
      5_000,
      'the handled copy to be acknowledged',
    )
    expect(handled).toEqual([id])
    expect(p.sent).toHaveLength(1)
  })

  it('GIVEN a message that is not an event THEN the worker drops it for good and goes on', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    const handled: string[] = []
    await startWorker(p, ns, handled)
    await jetstream(nc).publish(ingress.names.subject, 'garbage')
    const ids = dispatch(p, 3)
    await until(() => replyCounts(p).size === 3, 5_000, 'the events after it to be answered')
    expect(handled.sort()).toEqual([...ids].sort())
    const stream = await (await jetstreamManager(nc)).streams.info(ingress.names.stream)
    await expect
      .poll(async () => (await streamState(ingress.names.stream)).messages, {
        timeout: 5_000,
      })
      .toBe(0)
    expect(stream.config.retention).toBe('workqueue')
  })

  it('GIVEN a worker that took messages and went silent THEN another gets them after claimIdleMs and answers each once', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    const ids = dispatch(p, 20)
    await expect
      .poll(async () => (await streamState(ingress.names.stream)).messages, {
        timeout: 5_000,
      })
      .toBe(20)
    // A worker that pulls the messages and never answers again: one that died holding them.
    await ensureConsumer(nc, ingress.names, 500)
    const consumer = await jetstream(nc).consumers.get(ingress.names.stream, 'workers')
    const taken = await consumer.fetch({ max_messages: 20, expires: 1_000 })
    let count = 0
    for await (const msg of taken) if (msg) count++
    expect(count).toBe(20)
    const handled: string[] = []
    const worker = await startWorker(p, ns, handled, { claimIdleMs: 500 })
    await until(() => replyCounts(p).size === ids.length, 10_000, 'the stale messages to be redelivered and answered')
    expect([...replyCounts(p).values()].every((times) => times === 1)).toBe(true)
    expect(worker.metrics().counters.broker_reclaimed?.['']).toBeGreaterThanOrEqual(ids.length)
  })

  it('GIVEN a handler slower than claimIdleMs THEN the message stays with its worker (renewed) and no other worker runs it', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const slowHandled: string[] = []
    await startWorker(p, ns, slowHandled, { claimIdleMs: 1_000, hold: () => slow })
    const [id] = dispatch(p, 1)
    await until(() => slowHandled.length === 1, 5_000, 'the slow handler to start')
    const otherHandled: string[] = []
    await startWorker(p, ns, otherHandled, { claimIdleMs: 1_000 })
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    expect(otherHandled).toEqual([])
    const info = await (await jetstreamManager(nc)).consumers.info(ingress.names.stream, 'workers')
    expect(info.num_ack_pending).toBe(1)
    release()
    await until(() => p.sent.length === 1, 5_000, 'the one reply')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(replyCounts(p).get(id!)).toBe(1)
    expect(otherHandled).toEqual([])
  })

  it('GIVEN a bounded stream and no worker THEN it keeps at most maxMessages, dropping the oldest', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns, { maxMessages: 100 })
    dispatch(p, 300)
    await expect
      .poll(async () => (await streamState(ingress.names.stream)).last_seq, {
        timeout: 10_000,
      })
      .toBe(300)
    const state = (await (await jetstreamManager(nc)).streams.info(ingress.names.stream)).state
    expect(state.messages).toBe(100)
    expect(state.first_seq).toBe(201)
  })

  it('GIVEN workers behind THEN broker_lag shows the unread messages and falls to 0 once they caught up', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    await startIngress(p, ns)
    dispatch(p, 50)
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const handled: string[] = []
    const worker = await startWorker(p, ns, handled, { claimIdleMs: 600, hold: () => gate })
    await expect.poll(() => worker.metrics().gauges.broker_group_pending ?? 0, { timeout: 5_000 }).toBeGreaterThan(0)
    release()
    await until(() => p.sent.length === 50, 10_000, 'every event to be answered')
    await expect
      .poll(
        () => [
          worker.metrics().gauges.broker_lag,
          worker.metrics().gauges.broker_group_pending,
          worker.metrics().gauges.broker_pending,
        ],
        { timeout: 5_000 },
      )
      .toEqual([0, 0, 0])
  })

  it('GIVEN a claim whose holder stopped renewing it THEN a worker takes it over once it stayed unchanged for claimIdleMs by its own clock, and answers once', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    const event = groupAtMessage({ content: '/ping orphan' })
    const id = (event.d as { id: string }).id
    // A worker that claimed this event and died: its claim stays, never renewed.
    const kv = await new Kvm(nc).create(ingress.names.bucket, { ttl: 24 * 60 * 60 * 1000, history: 1 })
    await kv.create(Buffer.from(`m:${id}`).toString('base64url'), 'dead-worker')
    const handled: string[] = []
    const worker = await startWorker(p, ns, handled, { claimIdleMs: 1_000 })
    p.dispatch(event.t, event.d)
    await until(() => p.sent.length === 1, 10_000, 'the orphaned event to be taken over and answered')
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(handled).toEqual([id])
    expect(p.sent).toHaveLength(1)
    expect(worker.metrics().counters.broker_reclaimed?.['']).toBeGreaterThanOrEqual(1)
  })

  it('GIVEN the stream is deleted while ingress and worker run THEN the ingress creates it again, the worker its consumer, and later events are answered', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    const handled: string[] = []
    await startWorker(p, ns, handled)
    dispatch(p, 3)
    await until(() => p.sent.length === 3, 5_000, 'the first events to be answered')
    await (await jetstreamManager(nc)).streams.delete(ingress.names.stream)
    const later = dispatch(p, 5)
    await until(
      () => later.every((id) => replyCounts(p).get(id) === 1),
      20_000,
      'the events after the deletion to be answered',
    )
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
  })

  it('GIVEN a worker stopping while a handler runs THEN it keeps the message (no other worker runs it) and acknowledges it before stop() returns', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const stoppingHandled: string[] = []
    const stopping = await startWorker(p, ns, stoppingHandled, { claimIdleMs: 1_000, hold: () => slow })
    const [id] = dispatch(p, 1)
    await until(() => stoppingHandled.length === 1, 5_000, 'the slow handler to start')
    const otherHandled: string[] = []
    await startWorker(p, ns, otherHandled, { claimIdleMs: 1_000 })
    running.splice(running.indexOf(stopping), 1)
    let stopped = false
    const stop = stopping.stop().then(() => (stopped = true))
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    expect(stopped).toBe(false)
    expect(otherHandled).toEqual([])
    release()
    await stop
    const info = await (await jetstreamManager(nc)).consumers.info(ingress.names.stream, 'workers')
    expect(info.num_ack_pending).toBe(0)
    expect(replyCounts(p).get(id!)).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(otherHandled).toEqual([])
  })

  it('GIVEN workers started with another claimIdleMs than the consumer was created with THEN the consumer follows (its ack_wait)', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    await startWorker(p, ns, [], { claimIdleMs: 1_000 })
    const ackWait = async () =>
      (await (await jetstreamManager(nc)).consumers.info(ingress.names.stream, 'workers')).config.ack_wait
    expect(await ackWait()).toBe(1_000 * 1_000_000)
    await startWorker(p, ns, [], { claimIdleMs: 4_000 })
    expect(await ackWait()).toBe(4_000 * 1_000_000)
  })

  it('GIVEN a stopped bot THEN removeNamespace deletes every stream and bucket of its namespace, and none of a namespace that only starts the same', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const neighbour = `${ns}_2`
    namespaces.push(neighbour)
    for (const each of [ns, neighbour]) {
      await startWorker(p, each, [], { partitions: 4 })
      await startIngress(p, each, { partitions: 4 })
    }
    dispatch(p, 3)
    await until(() => replyCounts(p).size === 3, 10_000, 'the events to be answered')
    for (const item of running.splice(0).reverse()) await item.stop()
    const jsm = await jetstreamManager(nc)
    const streams = async () => {
      const names: string[] = []
      for await (const stream of jsm.streams.list()) names.push(stream.config.name)
      return names
    }
    // The partitioned stream, and the claims, leases and ingresses buckets (the shared stream was never made).
    expect(await removeNamespace(nc, ns)).toBe(4)
    const left = await streams()
    expect(left.filter((name) => name.includes(`${ns}_`) && !name.includes(neighbour))).toEqual([])
    expect(left.filter((name) => name.includes(neighbour))).toHaveLength(4)
    expect(await removeNamespace(nc, ns)).toBe(0)
  })

  it('GIVEN blockMs below JetStream minimum THEN the source refuses it at construction and says why', () => {
    expect(() => new NatsStreamSource({ nats: nc, namespace: 'x', blockMs: 200 })).toThrow(
      'blockMs must be at least 1000 (JetStream pull requests expire no sooner); got 200.',
    )
  })
})

describe('several events per JetStream message (eventsPerMessage)', () => {
  const storedMessages = async (stream: string) => (await streamState(stream)).last_seq

  it('GIVEN an ingress with eventsPerMessage 32 and two workers THEN fewer messages than events are stored and every event is answered exactly once', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns, { eventsPerMessage: 32 })
    const handled: string[] = []
    const workers = [await startWorker(p, ns, handled), await startWorker(p, ns, handled)]
    const ids = dispatch(p, 300, true)
    await until(() => replyCounts(p).size === ids.length, 20_000, 'every event to be answered')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
    expect(handled.sort()).toEqual([...ids].sort())
    const stored = await storedMessages(ingress.names.stream)
    expect(stored).toBeGreaterThanOrEqual(Math.ceil(ids.length / 32))
    expect(stored).toBeLessThan(ids.length)
    const acked = workers.map((worker) => worker.metrics().counters.broker_acked?.[''] ?? 0)
    expect(acked[0]! + acked[1]!).toBe(ids.length)
    await expect
      .poll(async () => (await streamState(ingress.names.stream)).messages, {
        timeout: 5_000,
      })
      .toBe(0)
  })

  it('GIVEN messages of several events taken by a worker that went silent THEN another gets them after claimIdleMs and answers each event once', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns, { eventsPerMessage: 8 })
    const ids = dispatch(p, 40, true)
    await until(
      () => ingress.client.metrics().counters.broker_published?.[''] === ids.length,
      5_000,
      'the events to be stored',
    )
    const stored = await storedMessages(ingress.names.stream)
    expect(stored).toBeLessThan(ids.length)
    await ensureConsumer(nc, ingress.names, 500)
    const consumer = await jetstream(nc).consumers.get(ingress.names.stream, 'workers')
    const taken = await consumer.fetch({ max_messages: stored, expires: 1_000 })
    let count = 0
    for await (const msg of taken) if (msg) count++
    expect(count).toBe(stored)
    const handled: string[] = []
    const worker = await startWorker(p, ns, handled, { claimIdleMs: 500 })
    await until(() => replyCounts(p).size === ids.length, 10_000, 'the stale messages to be redelivered and answered')
    expect([...replyCounts(p).values()].every((times) => times === 1)).toBe(true)
    expect(handled.sort()).toEqual([...ids].sort())
    expect(worker.metrics().counters.broker_reclaimed?.['']).toBeGreaterThanOrEqual(ids.length)
  })

  it('GIVEN a message of several events, one handled already and one not an event THEN the rest are answered, the first skipped by its done mark, and the message acknowledged', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const ingress = await startIngress(p, ns)
    const handled: string[] = []
    const worker = await startWorker(p, ns, handled)
    const [seen, fresh] = [sampleEvent(), sampleEvent()]
    ;(fresh.data as { id: string }).id = 'fresh-message'
    ;(fresh as { id: string }).id = 'GROUP_AT_MESSAGE_CREATE:fresh'
    const js = jetstream(nc)
    await js.publish(ingress.names.subject, encodeEvent(seen))
    await until(() => p.sent.length === 1, 5_000, 'the first event to be answered')
    await js.publish(ingress.names.subject, joinEncodedEvents([encodeEvent(seen), 'garbage', encodeEvent(fresh)]))
    await until(() => p.sent.length === 2, 5_000, 'the new event of the message to be answered')
    await expect
      .poll(async () => (await streamState(ingress.names.stream)).messages, {
        timeout: 5_000,
      })
      .toBe(0)
    expect(handled).toEqual([(seen.data as { id: string }).id, 'fresh-message'])
    expect(worker.metrics().counters.broker_duplicates?.['']).toBe(1)
  })

  /** Publishes through an EventBatches of its own to the stream of a fresh ingress. */
  async function withEventBatches(
    eventsPerMessage: number,
    use: (batches: EventBatches, names: NatsIngress['names']) => Promise<void>,
  ): Promise<void> {
    const ingress = await startIngress((platform = await startFakePlatform()), namespace())
    const window = new PubAckWindow(nc)
    try {
      await use(new EventBatches(window, eventsPerMessage), ingress.names)
    } finally {
      window.close()
    }
  }

  it('GIVEN the same events published twice in one message each THEN JetStream stores the second as a duplicate', () =>
    withEventBatches(16, async (batches, names) => {
      const events = [sampleEvent(), sampleEvent()]
      ;(events[1]!.data as { id: string }).id = 'second'
      const publishTwice = () =>
        Promise.all(
          events.map((e) => batches.publish(names.subject, encodeEvent(e), `m:${(e.data as { id: string }).id}`)),
        )
      await publishTwice()
      await publishTwice()
      expect(await storedMessages(names.stream)).toBe(1)
    }))

  it('GIVEN more events in a turn than eventsPerMessage THEN they are cut into messages of at most that many, in order', () =>
    withEventBatches(4, async (batches, names) => {
      const events = Array.from({ length: 10 }, (_, i) => {
        const e = sampleEvent()
        ;(e.data as { id: string }).id = `e${i}`
        return e
      })
      await Promise.all(events.map((e) => batches.publish(names.subject, encodeEvent(e), undefined)))
      const jsm = await jetstreamManager(nc)
      const texts = await Promise.all(
        [1, 2, 3].map(async (seq) => (await jsm.streams.getMessage(names.stream, { seq }))!.string()),
      )
      expect(texts.map((text) => text.split('\n').map((line) => JSON.parse(line).d.id))).toEqual([
        ['e0', 'e1', 'e2', 'e3'],
        ['e4', 'e5', 'e6', 'e7'],
        ['e8', 'e9'],
      ])
      expect(await storedMessages(names.stream)).toBe(3)
    }))

  it('GIVEN an ingress with 4 partitions and eventsPerMessage 16, and two workers THEN each user’s events are handled once each, in the order sent, and fewer messages than events are stored', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const handled: string[] = []
    for (let i = 0; i < 2; i++) await startWorker(p, ns, handled, { partitions: 4 })
    const ingress = await startIngress(p, ns, { partitions: 4, eventsPerMessage: 16 })
    const users = Array.from({ length: 20 }, (_, i) => `user${i}`)
    const sent = new Map<string, { user: string; step: number }>()
    for (let step = 0; step < 10; step++)
      for (const user of users) {
        const event = groupAtMessage({ content: `${user} ${step}`, groupOpenid: 'G', memberOpenid: user })
        sent.set((event.d as { id: string }).id, { user, step })
        p.dispatch(event.t, event.d)
      }
    await until(() => replyCounts(p).size === sent.size, 20_000, 'every event to be answered')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
    const stepsOf = (user: string) =>
      handled
        .map((id) => sent.get(id)!)
        .filter((e) => e.user === user)
        .map((e) => e.step)
    for (const user of users) expect(stepsOf(user)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(await storedMessages(ingress.names.stream)).toBeLessThan(users.length * 10)
  })

  it('GIVEN eventsPerMessage below 1 or not whole THEN the ingress refuses it at construction and says why', () => {
    const base = { appId: '1', secret: 's', nats: nc, namespace: 'x', intents: ['GROUP_AND_C2C_EVENT' as const] }
    expect(() => createNatsIngress({ ...base, eventsPerMessage: 0 })).toThrow(
      'eventsPerMessage must be a whole number of at least 1 (1: one JetStream message per event); got 0.',
    )
    expect(() => createNatsIngress({ ...base, eventsPerMessage: 2.5 })).toThrow('got 2.5.')
  })
})

describe('pulls whose heartbeats go missing', () => {
  it.each([
    ['the shared consumer', false],
    ['4 partitions', 4],
  ])(
    'GIVEN a worker (%s) whose connection stalls past two pull heartbeats THEN the pull ends, counted, without a warning or an error, and every event is answered exactly once',
    async (_, partitions) => {
      const p = (platform = await startFakePlatform())
      const ns = namespace()
      const ingress = await startIngress(p, ns, { partitions })
      const proxy = await startStallingProxy()
      const stalling = await connectNats(proxy.url)
      running.push({ stop: () => stalling.close().then(() => proxy.close()) })
      const logs = captureLogs<{ level: number; msg: string }>()
      const handled: string[] = []
      const worker = await startWorker(p, ns, handled, {
        nats: stalling,
        partitions,
        claimIdleMs: 2_000,
        logDestination: logs.destination,
      })
      running.push({ stop: async () => proxy.resume() }) // first, should the test fail while stalled
      const missed = () => worker.metrics().counters[PULLS_MISSED_HEARTBEATS.name]?.[''] ?? 0
      const before = dispatch(p, 5, true)
      await until(() => replyCounts(p).size === before.length, 10_000, 'the first events to be answered')

      // Pulls of blockMs 1 s get a heartbeat every 500 ms: the client ends one once two went missing (as it does
      // when nats-server lets a pull expire without saying so).
      proxy.stall()
      await until(() => missed() >= 1, 10_000, 'a pull to miss its heartbeats')
      // Sent to the pull under way, which the client just ended, or held back by the stall until it ends.
      const during = dispatch(p, 5, true)
      await until(async () => (await streamState(ingress.names.stream)).last_seq >= 10, 5_000, 'them stored')
      proxy.resume()
      const after = dispatch(p, 5, true)

      const all = [...before, ...during, ...after]
      await until(() => replyCounts(p).size === all.length, 20_000, 'every event to be answered')
      expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
      expect(logs.lines.filter((line) => line.level >= 40)).toEqual([])
      const ended = logs.lines.filter((line) => line.msg.startsWith('a JetStream pull ended without its end'))
      expect(ended).toHaveLength(missed())
    },
    40_000,
  )
})
