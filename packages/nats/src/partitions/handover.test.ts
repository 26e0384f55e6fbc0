import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { createClient, type DispatchedEvent, type QQBotClient } from '@qqbot/core'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { encodeEvent } from '../event-codec.js'
import { createNatsIngress } from '../nats-ingress.js'
import { NatsStreamSource } from '../nats-stream-source.js'
import { connectNats, freshNamespace, removeNamespace } from '../test-nats.js'
import { until } from '../../../../test/support/until.js'

let nc: NatsConnection
const running: { stop(): Promise<void> }[] = []
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  nc = await connectNats()
})

afterAll(() => nc.close())

afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop()
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** What the workers did, in the order it happened across them. */
type Step = `${'start' | 'end'} ${string} ${string}`

async function startWorker(
  p: FakePlatform,
  namespace: string,
  workerName: string,
  steps: Step[],
  hold: (content: string) => Promise<void>,
  logs: string[] = [],
  { claimIdleMs = 1_000, blockMs = 1_000 } = {},
): Promise<{ client: QQBotClient; source: NatsStreamSource }> {
  const source = new NatsStreamSource({
    nats: nc,
    namespace,
    partitions: 1,
    workerName,
    claimIdleMs,
    blockMs,
    leaseTtlMs: 4_000,
    renewIntervalMs: 200,
  })
  const client = createClient({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    source,
    logLevel: 'info',
    logDestination: { write: (line: string) => void logs.push((JSON.parse(line) as { msg: string }).msg) },
  })
  client.on('GROUP_AT_MESSAGE_CREATE', async (event) => {
    const content = event.data.content.trim()
    steps.push(`start ${workerName} ${content}`)
    await hold(content)
    await client.reply(event, `done ${content}`)
    steps.push(`end ${workerName} ${content}`)
  })
  await client.start()
  running.push(client)
  return { client, source }
}

describe('one key’s events in order on a partition over NATS', () => {
  it('GIVEN a worker handling a key’s first event when its partition moves THEN the next owner runs the key’s second event only after the first finished and was acknowledged', async () => {
    const p = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
    cleanups.push(() => p.close())
    const namespace = freshNamespace()
    cleanups.push(async () => void (await removeNamespace(nc, namespace)))
    const ingress = createNatsIngress({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      intents: ['GROUP_AND_C2C_EVENT'],
      nats: nc,
      namespace,
      partitions: 1,
      logLevel: 'silent',
      gateway: { identifyIntervalMs: 0 },
    })
    await ingress.start()
    running.push(ingress)

    const steps: Step[] = []
    let releaseFirst: () => void = () => undefined
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve))
    let storedWhenSecondStarted: number | undefined
    const hold = async (content: string) => {
      if (content === '/seq 1') return firstHeld
      // Work-queue retention: an acknowledged message leaves the stream, so 1 here means the first was acknowledged.
      storedWhenSecondStarted = (await (await jetstreamManager(nc)).streams.info(a.source.names.stream)).state.messages
    }
    // Shares go by the members' keys (base64url of the names): "w1" (dzE) ranks before "w2" (dzI), so the one
    // partition belongs to w1 once it joins, and w2 hands it back.
    const logsOfA: string[] = []
    const a = await startWorker(p, namespace, 'w2', steps, hold, logsOfA)
    await until(() => a.source.partitions.length === 1, 10_000, 'w2 to hold the partition')

    const send = (content: string) => {
      const event = groupAtMessage({ content, groupOpenid: 'g1', memberOpenid: 'u1' })
      p.dispatch(event.t, event.d)
    }
    send('/seq 1')
    await until(() => steps.includes('start w2 /seq 1'), 10_000, 'w2 to start the first event')

    const b = await startWorker(p, namespace, 'w1', steps, hold)
    // w2 hands the partition back: it stops reading at once and waits for the first event (held open).
    await until(() => logsOfA.includes('handing a partition back for rebalancing'), 10_000, 'w2 to hand it back')
    send('/seq 2')
    // Stored while w2 still holds the first one: the stream keeps both until they are acknowledged.
    const jsm = await jetstreamManager(nc)
    const stored = async () => (await jsm.streams.info(b.source.names.stream)).state.messages
    await until(async () => (await stored()) === 2, 10_000, 'the second event stored beside the first')
    expect(b.source.partitions).toEqual([])
    releaseFirst()
    await until(() => b.source.partitions.length === 1, 15_000, 'the partition to move to w1')
    // The handler records its end after the reply's answer arrives, so wait on that, not on the platform's record.
    await until(() => steps.includes('end w1 /seq 2'), 15_000, 'both events answered')

    expect(steps.filter((step) => step.startsWith('start'))).toHaveLength(2)
    expect(steps).toContain('start w1 /seq 2')
    expect(steps).toEqual(['start w2 /seq 1', 'end w2 /seq 1', 'start w1 /seq 2', 'end w1 /seq 2'])
    expect(storedWhenSecondStarted).toBe(1)
    expect(p.sent.map((message) => message.body.content)).toEqual(['done /seq 1', 'done /seq 2'])
  }, 40_000)

  it.each([
    ['', false],
    [', while an earlier event of the key is still being handled,', true],
  ])(
    'GIVEN a pull that fails after the server sent it an event (a stalled event loop)%s THEN every event of the key is handled once, in order, not after ack_wait',
    async (_, earlierHeldOpen) => {
      const p = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
      cleanups.push(() => p.close())
      const namespace = freshNamespace()
      cleanups.push(async () => void (await removeNamespace(nc, namespace)))
      const steps: Step[] = []
      let releaseEarlier: () => void = () => undefined
      const earlierHeld = new Promise<void>((resolve) => (releaseEarlier = resolve))
      const hold = (content: string) => (content === '/seq 0' ? earlierHeld : Promise.resolve())
      // Pulls open for 30 s (the event below goes to the one under way), and ack_wait well above the retry after a
      // failed pull: an event lost in flight would come back after the key's newer ones.
      const a = await startWorker(p, namespace, 'w1', steps, hold, [], { claimIdleMs: 10_000, blockMs: 30_000 })
      await until(() => a.source.partitions.length === 1, 10_000, 'w1 to hold the partition')
      const broker = (a.source as unknown as { partitioned: PartitionedInternals }).partitioned
      const held = () => broker.held.get(0)!
      const jsm = await jetstreamManager(nc)
      const stream = a.source.names.stream
      const consumer = `workers-0`
      const waiting = async () => (await jsm.consumers.info(stream, consumer)).num_waiting
      const eventOf = (content: string): DispatchedEvent => {
        const built = groupAtMessage({ content, groupOpenid: 'g1', memberOpenid: 'u1' })
        return {
          name: built.t,
          id: `${built.t}:${(built.d as { id: string }).id}`,
          data: built.d,
          seq: 1,
          source: 'gateway',
          shard: [0, 1],
          receivedAt: Date.now(),
          deliveryId: undefined,
          attempt: 1,
        } as DispatchedEvent
      }
      const subject = `${a.source.names.subject.replace(/\.\*$/, '')}.0`
      const publish = (content: string) => jetstream(nc).publish(subject, encodeEvent(eventOf(content)))
      if (earlierHeldOpen) {
        // The new consumer delivers it again (unacknowledged): that copy must be skipped, not run twice.
        await publish('/seq 0')
        await until(() => steps.includes('start w1 /seq 0'), 10_000, 'the earlier event to start')
      }
      const pulling = () => held().batch
      await until(async () => pulling() !== undefined && (await waiting()) > 0, 10_000, 'a pull request open')
      const failed = pulling()!
      // An event loop stalled past two idle heartbeats: the server sends the event to the open pull meanwhile, and
      // when the loop runs again the NATS client stops that pull ("heartbeats missed") before reading the event.
      nc.publish(subject, encodeEvent(eventOf('/seq 1')))
      ;(nc as unknown as { protocol: { flushPending(): void } }).protocol.flushPending() // on the wire now
      const stalledUntil = Date.now() + 500
      while (Date.now() < stalledUntil);
      failed.stop(new Error('heartbeats missed (simulated)'))
      await until(() => held().batch !== undefined && held().batch !== failed, 10_000, 'the pull to resume')
      await publish('/seq 2')
      releaseEarlier()
      const expected = [...(earlierHeldOpen ? ['/seq 0'] : []), '/seq 1', '/seq 2']
      await until(() => steps.length >= expected.length * 2, 20_000, 'every event answered')
      expect(steps).toEqual(expected.flatMap((content) => [`start w1 ${content}`, `end w1 ${content}`]))
      expect(p.sent.map((message) => message.body.content)).toEqual(expected.map((content) => `done ${content}`))
    },
    40_000,
  )
})

/** The partitioned broker's pull state, reached into to fail a pull as the NATS client does. */
interface PartitionedInternals {
  held: Map<number, { batch: { stop(error: Error): void } | undefined }>
}
