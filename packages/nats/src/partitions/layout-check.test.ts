import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { createClient } from '@qqbot/core'
import { StreamLayoutMismatchError } from '@qqbot/core/adapter'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { pino } from 'pino'
import { createNatsIngress } from '../nats-ingress.js'
import { NatsStreamSource } from '../nats-stream-source.js'
import { jetStreamNames } from '../names.js'
import { ensureConsumer, ensureStream } from '../stream-setup.js'
import { connectNats, freshNamespace, removeNamespace } from '../test-nats.js'
import { checkJetStreamLayout } from './layout-check.js'
import { partitionedNames } from './partition-names.js'

let nc: NatsConnection
let platform: FakePlatform | undefined
const running: { stop(): Promise<void> }[] = []
const namespaces: string[] = []

beforeAll(async () => {
  nc = await connectNats()
})
afterAll(() => nc.close())
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop().catch(() => undefined)
  await platform?.close()
  platform = undefined
  for (const namespace of namespaces.splice(0)) await removeNamespace(nc, namespace)
})

function namespace(): string {
  const ns = freshNamespace()
  namespaces.push(ns)
  return ns
}

/** Publishes one message the way an ingress of that layout would (creating its stream first). */
async function publishAs(ns: string, partitioned: boolean): Promise<void> {
  const shared = jetStreamNames({ namespace: ns })
  const names = partitioned
    ? { ...shared, stream: partitionedNames(shared).stream, subject: partitionedNames(shared).subjects }
    : shared
  await ensureStream(nc, names, {})
  await jetstream(nc).publish(partitioned ? partitionedNames(shared).subject(2) : shared.subject, '{}')
}

function worker(p: FakePlatform, ns: string, partitions: number | false) {
  const source = new NatsStreamSource({ nats: nc, namespace: ns, partitions, blockMs: 1_000, leaseTtlMs: 2_000 })
  return createClient({ appId: p.appId, secret: p.secret, hosts: { api: p.url }, source, logLevel: 'silent' })
}

function ingressOf(p: FakePlatform, ns: string, partitions: number | false) {
  return createNatsIngress({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    intents: ['GROUP_AND_C2C_EVENT'],
    nats: nc,
    namespace: ns,
    partitions,
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0 },
  })
}

describe('the JetStream partition layout check at start()', () => {
  it('GIVEN an ingress without partitions publishing now WHEN a partitioned worker starts THEN it fails with STREAM_LAYOUT_MISMATCH', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    await publishAs(ns, false)
    const error = await worker(p, ns, 4)
      .start()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StreamLayoutMismatchError)
    expect((error as Error).message).toContain(`published to ${jetStreamNames({ namespace: ns }).stream}`)
  })

  it('GIVEN an ingress with partitions publishing now WHEN a worker without partitions starts THEN it fails', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    await publishAs(ns, true)
    const error = await worker(p, ns, false)
      .start()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StreamLayoutMismatchError)
    expect((error as Error).message).toContain('without partitions (partitions: false)')
  })

  it('GIVEN partitioned workers holding leases WHEN an ingress without partitions starts THEN it fails', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const reader = worker(p, ns, 4)
    await reader.start()
    running.push(reader)
    const ingress = ingressOf(p, ns, false)
    const error = await ingress.start().catch((e: unknown) => e)
    await ingress.stop().catch(() => undefined)
    expect(error).toBeInstanceOf(StreamLayoutMismatchError)
    expect((error as Error).message).toContain('hold leases')
  })

  it('GIVEN an ingress with partitions started that has published nothing yet WHEN a worker or an ingress without partitions starts THEN each fails; once it stopped they start', async () => {
    const p = (platform = await startFakePlatform())
    const ns = namespace()
    const partitioned = ingressOf(p, ns, 4)
    await partitioned.start()

    for (const other of [worker(p, ns, false), ingressOf(p, ns, false)]) {
      const error = await other.start().catch((e: unknown) => e)
      await other.stop().catch(() => undefined)
      expect(error).toBeInstanceOf(StreamLayoutMismatchError)
      expect((error as Error).message).toContain('1 ingress process(es) with partitions are running')
    }

    await partitioned.stop()
    const unpartitioned = worker(p, ns, false)
    await unpartitioned.start()
    running.push(unpartitioned)
  })

  it('GIVEN old messages left in the shared stream THEN a partitioned worker is not refused within a short window and warns with their count', async () => {
    const ns = namespace()
    await publishAs(ns, false)
    await publishAs(ns, false)
    const names = jetStreamNames({ namespace: ns })
    await ensureConsumer(nc, names, 30_000)
    const lines: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })

    // A negative window makes every publish "old": only the unread count is left to report.
    await checkJetStreamLayout({ nats: nc, names, partitions: 4, role: 'worker', logger, liveWindowMs: -1 })

    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ unread: 2, stream: names.stream })
  })
})
