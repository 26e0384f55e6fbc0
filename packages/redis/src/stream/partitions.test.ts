import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createClient, type QQBotClient } from '@qqbot/core'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { PartitionCountMismatchError } from '../errors.js'
import { connectRedis, freshNamespace, removeFreshNamespaces } from '../test-redis.js'
import { createRedisIngress } from './redis-ingress.js'
import { RedisStreamSource } from './stream-source.js'
import { until } from '../../../../test/support/until.js'

const redis = connectRedis()
let platform: FakePlatform | undefined
const running: { stop(): Promise<void> }[] = []

afterAll(async () => {
  await removeFreshNamespaces(redis)
  await redis.quit()
})
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop()
  await platform?.close()
  platform = undefined
})

function worker(p: FakePlatform, namespace: string, partitions: number): QQBotClient {
  const source = new RedisStreamSource({ redis, namespace, partitions, blockMs: 200, leaseTtlMs: 2_000 })
  return createClient({ appId: p.appId, secret: p.secret, hosts: { api: p.url }, source, logLevel: 'silent' })
}

describe('partitioned Redis stream', () => {
  it('GIVEN an ingress with 4 partitions THEN each user’s messages land in one partition stream, in the order sent', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = createRedisIngress({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      intents: ['GROUP_AND_C2C_EVENT'],
      redis,
      namespace,
      partitions: 4,
      logLevel: 'silent',
      gateway: { identifyIntervalMs: 0 },
    })
    await ingress.start()
    running.push(ingress)
    const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']
    for (let n = 1; n <= 5; n++)
      for (const user of users) {
        const event = groupAtMessage({ content: `/seq ${n}`, groupOpenid: 'g1', memberOpenid: user })
        p.dispatch(event.t, event.d)
      }
    const streams = [0, 1, 2, 3].map((partition) => `${ingress.stream}:${partition}`)
    const lengths = async () => Promise.all(streams.map((stream) => redis.xlen(stream)))
    await until(async () => (await lengths()).reduce((a, b) => a + b, 0) === 30, 10_000, 'every event appended')
    const seen = new Map<string, { partitions: Set<number>; numbers: number[] }>()
    for (const [partition, stream] of streams.entries())
      for (const [, fields] of await redis.xrange(stream, '-', '+')) {
        const data = JSON.parse(fields[fields.indexOf('d') + 1]!) as {
          author: { member_openid: string }
          content: string
        }
        const entry = seen.get(data.author.member_openid) ?? { partitions: new Set(), numbers: [] }
        entry.partitions.add(partition)
        entry.numbers.push(Number(/seq (\d+)/.exec(data.content)?.[1]))
        seen.set(data.author.member_openid, entry)
      }
    expect([...seen.keys()].sort()).toEqual([...users].sort())
    for (const { partitions, numbers } of seen.values()) {
      expect(partitions.size).toBe(1)
      expect(numbers).toEqual([1, 2, 3, 4, 5])
    }
    expect(new Set([...seen.values()].flatMap(({ partitions }) => [...partitions])).size).toBeGreaterThan(1)
  })

  it('GIVEN a worker reading 4 partitions WHEN another starts with 8 THEN it fails at start() with PartitionCountMismatchError', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const first = worker(p, namespace, 4)
    await first.start()
    running.push(first)
    const second = worker(p, namespace, 8)
    await expect(second.start()).rejects.toBeInstanceOf(PartitionCountMismatchError)
    await second.stop().catch(() => undefined)
  })
})
