import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { createClient } from '@qqbot/core'
import { StreamLayoutMismatchError } from '@qqbot/core/adapter'
import { startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { connectRedis, freshNamespace, removeFreshNamespaces } from '../test-redis.js'
import { checkStreamLayout } from './layout-check.js'
import { createRedisIngress } from './redis-ingress.js'
import { streamKey } from './stream-options.js'
import { RedisStreamSource } from './stream-source.js'

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

function ingress(p: FakePlatform, namespace: string, partitions: number | false) {
  const created = createRedisIngress({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    intents: ['GROUP_AND_C2C_EVENT'],
    redis,
    namespace,
    partitions,
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0 },
  })
  return created
}

function worker(p: FakePlatform, namespace: string, partitions: number | false) {
  const source = new RedisStreamSource({ redis, namespace, partitions, blockMs: 200, leaseTtlMs: 2_000 })
  return createClient({ appId: p.appId, secret: p.secret, hosts: { api: p.url }, source, logLevel: 'silent' })
}

describe('the partition layout check at start()', () => {
  it('GIVEN an ingress without partitions appending now WHEN a partitioned worker starts THEN it fails with STREAM_LAYOUT_MISMATCH naming the stream and the fix', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    await redis.xadd(streamKey(namespace, {}), '*', 'event', '{}')

    const error = await worker(p, namespace, 4)
      .start()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StreamLayoutMismatchError)
    expect((error as StreamLayoutMismatchError).code).toBe('STREAM_LAYOUT_MISMATCH')
    expect((error as Error).message).toContain('with 4 partitions')
    expect((error as Error).message).toContain(`appended to ${streamKey(namespace, {})}`)
    expect((error as Error).message).toContain('same partitions option')
  })

  it('GIVEN partitioned workers running WHEN an ingress without partitions starts THEN it fails, and one with the same partitions starts', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const reader = worker(p, namespace, 4)
    await reader.start()
    running.push(reader)

    const unpartitioned = ingress(p, namespace, false)
    const error = await unpartitioned.start().catch((e: unknown) => e)
    await unpartitioned.stop().catch(() => undefined)
    expect(error).toBeInstanceOf(StreamLayoutMismatchError)
    expect((error as Error).message).toContain('hold leases')

    const partitioned = ingress(p, namespace, 4)
    await partitioned.start()
    running.push(partitioned)
  })

  it('GIVEN an ingress with partitions appending now WHEN a worker without partitions starts THEN it fails', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    await redis.xadd(`${streamKey(namespace, {})}:3`, '*', 'event', '{}')

    const error = await worker(p, namespace, false)
      .start()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StreamLayoutMismatchError)
    expect((error as Error).message).toContain('without partitions (partitions: false)')
  })

  it('GIVEN an ingress with partitions started that has appended nothing yet WHEN a worker or an ingress without partitions starts THEN each fails; once it stopped they start', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const partitioned = ingress(p, namespace, 4)
    await partitioned.start()
    expect(await redis.exists(`${streamKey(namespace, {})}:0`)).toBe(1)
    expect(await redis.xlen(`${streamKey(namespace, {})}:0`)).toBe(0)

    for (const other of [worker(p, namespace, false), ingress(p, namespace, false)]) {
      const error = await other.start().catch((e: unknown) => e)
      await other.stop().catch(() => undefined)
      expect(error).toBeInstanceOf(StreamLayoutMismatchError)
      expect((error as Error).message).toContain('1 ingress process(es) with partitions are running')
    }

    await partitioned.stop()
    const unpartitioned = worker(p, namespace, false)
    await unpartitioned.start()
    running.push(unpartitioned)
  })

  it('GIVEN only old activity of the other layout and unread events left in the old stream THEN a partitioned worker starts and warns with their count', async () => {
    const namespace = freshNamespace()
    const stream = streamKey(namespace, {})
    await redis.xgroup('CREATE', stream, 'workers', '0', 'MKSTREAM')
    // Entry ids carry their append time: 1 ms and 2 ms after the epoch are long past any live window.
    await redis.xadd(stream, '1-0', 'event', '{}')
    await redis.xadd(stream, '2-0', 'event', '{}')
    const lines: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) })

    await checkStreamLayout({ redis, stream, group: 'workers', namespace, partitions: 4, role: 'worker', logger })

    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ unread: 2, stream })
    expect(lines[0]).toContain('partitions: false until the stream is drained')
  })
})
