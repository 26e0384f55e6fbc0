import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Redis } from 'ioredis'
import { createClient } from '@qqbot/core'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { connectRedis, freshNamespace, removeFreshNamespaces } from '../test-redis.js'
import { createRedisIngress } from './redis-ingress.js'
import { RedisStreamSource } from './stream-source.js'

let platform: FakePlatform | undefined
const running: { stop(): Promise<void> }[] = []

afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop()
  await platform?.close()
  platform = undefined
})

afterAll(() => removeFreshNamespaces())

/** A connection that counts the commands sent over it, by name. */
function countingRedis(): { redis: Redis; sent: string[] } {
  const redis = connectRedis()
  const sent: string[] = []
  const send = redis.sendCommand.bind(redis)
  redis.sendCommand = ((command, stream) => {
    sent.push(command.name)
    return send(command, stream)
  }) as Redis['sendCommand']
  running.push({ stop: () => redis.quit().then(() => undefined) })
  return { redis, sent }
}

describe.each([
  { layout: 'one stream', partitions: false as const },
  { layout: '4 partitions', partitions: 4 },
])('Redis stream batching ($layout)', ({ partitions }) => {
  it('GIVEN a burst of 200 events from 50 users THEN the ingress appends them and the worker claims, marks done and acknowledges them in far fewer Redis calls than events, each event answered once', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const count = 200
    const ingressSide = countingRedis()
    const workerSide = countingRedis()
    const ingress = createRedisIngress({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      intents: ['GROUP_AND_C2C_EVENT'],
      redis: ingressSide.redis,
      namespace,
      partitions,
      logLevel: 'silent',
      gateway: { identifyIntervalMs: 0 },
    })
    const source = new RedisStreamSource({ redis: workerSide.redis, namespace, partitions, blockMs: 200 })
    const worker = createClient({ appId: p.appId, secret: p.secret, hosts: { api: p.url }, source, logLevel: 'silent' })
    worker.on('GROUP_AT_MESSAGE_CREATE', (event) => worker.reply(event, `pong ${event.data.id}`))
    await worker.start()
    running.push(worker)
    await ingress.start()
    running.push(ingress)
    if (partitions) await expect.poll(() => source.partitions.length, { timeout: 10_000 }).toBe(partitions)

    const before = { ingress: ingressSide.sent.length, worker: workerSide.sent.length }
    const ids = Array.from({ length: count }, (_, i) => {
      // 50 users: the ingress publishes one user's events one after the other (in order), different users' at once.
      const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i % 50}` })
      p.dispatch(event.t, event.d)
      return (event.d as { id: string }).id
    })
    await expect.poll(() => p.sent.length, { timeout: 20_000 }).toBe(count)
    expect(new Set(p.sent.map((message) => message.body.msg_id))).toEqual(new Set(ids))
    // Acknowledged: nothing left pending in the group.
    const streams = partitions ? Array.from({ length: partitions }, (_, n) => `${source.stream}:${n}`) : [source.stream]
    await expect
      .poll(async () => {
        const pending = await Promise.all(
          streams.map(async (stream) => ((await ingressSide.redis.xpending(stream, 'workers')) as [number])[0]),
        )
        return pending.reduce((sum, n) => sum + n, 0)
      })
      .toBe(0)

    // One call per event on the ingress, five per event on the worker (claim, MULTI, SET, XACK, EXEC) unbatched.
    const appends = ingressSide.sent.slice(before.ingress).filter((name) => name === 'evalsha')
    expect(appends.length).toBeGreaterThan(0)
    expect(appends.length).toBeLessThan(count / 2)
    expect(workerSide.sent.length - before.worker).toBeLessThan(count)
  })
})
