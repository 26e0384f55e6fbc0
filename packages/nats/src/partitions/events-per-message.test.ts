import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { createClient } from '@qqbot/core'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createNatsIngress } from '../nats-ingress.js'
import { NatsStreamSource } from '../nats-stream-source.js'
import { connectNats, freshNamespace, removeNamespace } from '../test-nats.js'
import { until } from '../../../../test/support/until.js'

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

describe('several events per message on partitions', () => {
  it('GIVEN an ingress with 4 partitions and eventsPerMessage 16, and two workers THEN each user’s events are handled once each, in the order sent, and fewer messages than events are stored', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    namespaces.push(namespace)
    const handledBy = new Map<string, string[]>()
    for (const name of ['w1', 'w2']) {
      const source = new NatsStreamSource({
        nats: nc,
        namespace,
        partitions: 4,
        workerName: name,
        claimIdleMs: 1_000,
        blockMs: 1_000,
        leaseTtlMs: 10_000,
        renewIntervalMs: 200,
      })
      const worker = createClient({
        appId: p.appId,
        secret: p.secret,
        hosts: { api: p.url },
        source,
        logLevel: 'silent',
      })
      worker.on('GROUP_AT_MESSAGE_CREATE', async (event) => {
        const [user, step] = event.data.content.trim().split(' ')
        handledBy.set(user!, [...(handledBy.get(user!) ?? []), step!])
        await worker.reply(event, `ok ${event.data.content.trim()}`)
      })
      await worker.start()
      running.push(worker)
    }
    const ingress = createNatsIngress({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      intents: ['GROUP_AND_C2C_EVENT'],
      nats: nc,
      namespace,
      partitions: 4,
      eventsPerMessage: 16,
      logLevel: 'silent',
      gateway: { identifyIntervalMs: 0 },
    })
    await ingress.start()
    running.push(ingress)
    const users = Array.from({ length: 20 }, (_, i) => `user${i}`)
    for (let step = 0; step < 10; step++)
      for (const user of users) {
        const event = groupAtMessage({ content: `${user} ${step}`, groupOpenid: 'G', memberOpenid: user })
        p.dispatch(event.t, event.d)
      }
    await until(() => p.sent.length >= users.length * 10, 20_000, 'every event to be answered')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(p.sent).toHaveLength(users.length * 10)
    for (const user of users) expect(handledBy.get(user)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    const info = await (await jetstreamManager(nc)).streams.info(ingress.names.stream)
    expect(info.state.last_seq).toBeLessThan(users.length * 10)
  })
})
