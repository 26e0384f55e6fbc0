import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createClient, type QQBotClient } from '@qqbot/core'
import { groupAtMessage, groupMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { RedisUnavailableError } from '../errors.js'
import { RedisKeys } from '../keys.js'
import { connectRedis, freshNamespace, removeFreshNamespaces, startCuttableProxy } from '../test-redis.js'
import { createRedisIngress, type RedisIngress } from './redis-ingress.js'
import { encodeEvent } from './stream-codec.js'
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

async function startIngress(
  p: FakePlatform,
  namespace: string,
  maxLength?: number,
  via = redis,
  logs?: string[],
): Promise<RedisIngress> {
  const logging = logs
    ? { logLevel: 'warn' as const, logDestination: { write: (line: string) => void logs.push(line) } }
    : { logLevel: 'silent' as const }
  const ingress = createRedisIngress({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    intents: ['GROUP_AND_C2C_EVENT'],
    redis: via,
    namespace,
    partitions: false, // this file tests the one shared stream; partitions have their own tests
    maxLength,
    ...logging,
    gateway: { identifyIntervalMs: 0 },
  })
  await ingress.start()
  running.push(ingress)
  return ingress
}

async function startWorker(
  p: FakePlatform,
  namespace: string,
  handled: string[],
  claimIdleMs = 1_000,
  logs?: string[],
): Promise<QQBotClient> {
  const source = new RedisStreamSource({ redis, namespace, partitions: false, claimIdleMs, blockMs: 200 })
  const logging = logs
    ? { logLevel: 'warn' as const, logDestination: { write: (line: string) => void logs.push(line) } }
    : { logLevel: 'silent' as const }
  const worker = createClient({ appId: p.appId, secret: p.secret, hosts: { api: p.url }, source, ...logging })
  worker.on('GROUP_AT_MESSAGE_CREATE', async (event) => {
    handled.push(event.data.id)
    await worker.reply(event, `pong ${event.data.id}`)
  })
  await worker.start()
  running.push(worker)
  return worker
}

function dispatch(p: FakePlatform, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const event = groupAtMessage({ content: `/ping ${i}` })
    p.dispatch(event.t, event.d)
    return (event.d as { id: string }).id
  })
}

const replyCounts = (p: FakePlatform) => {
  const counts = new Map<string, number>()
  for (const message of p.sent)
    counts.set(message.body.msg_id as string, (counts.get(message.body.msg_id as string) ?? 0) + 1)
  return counts
}

describe('ingress and workers over a Redis stream', () => {
  it('GIVEN one ingress and two workers THEN every event is answered exactly once and both workers share the work', async () => {
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    await startIngress(p, namespace)
    const first: string[] = []
    const second: string[] = []
    await startWorker(p, namespace, first)
    await startWorker(p, namespace, second)
    const ids = dispatch(p, 600)
    await until(() => replyCounts(p).size === ids.length, 20_000, 'a reply to every event')
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
    expect(first.length).toBeGreaterThan(0)
    expect(second.length).toBeGreaterThan(0)
    expect(new Set([...first, ...second]).size).toBe(ids.length)
  })

  it('GIVEN the same event published twice (an ingress replaying after a takeover) THEN it is handled once and counted as a duplicate', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = await startIngress(p, namespace)
    const handled: string[] = []
    const worker = await startWorker(p, namespace, handled)
    const event = groupAtMessage({ content: '/ping twice' })
    const fields = encodeEvent({
      name: event.t,
      id: 'EV-1',
      data: event.d,
      source: 'gateway',
      receivedAt: Date.now(),
    } as never)
    await redis.xadd(ingress.stream, '*', ...fields)
    await until(() => worker.metrics().counters.broker_acked !== undefined, 5_000, 'the first copy to be handled')
    // The second copy goes to a fresh worker: no in-memory dedupe can help, only the key in Redis.
    const other: string[] = []
    const fresh = await startWorker(p, namespace, other)
    await worker.stop()
    await redis.xadd(ingress.stream, '*', ...fields)
    await until(() => fresh.metrics().counters.broker_duplicates !== undefined, 5_000, 'the duplicate to be skipped')
    expect(other).toEqual([])
    expect(handled).toEqual([(event.d as { id: string }).id])
    expect(p.sent).toHaveLength(1)
  })

  it('GIVEN a message pushed as GROUP_AT_MESSAGE_CREATE and GROUP_MESSAGE_CREATE, and workers handling only the second THEN it is answered once', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    await startIngress(p, namespace)
    const handled: string[] = []
    const workers = [0, 1].map(() => {
      const source = new RedisStreamSource({ redis, namespace, partitions: false, claimIdleMs: 1_000, blockMs: 200 })
      const worker = createClient({
        appId: p.appId,
        secret: p.secret,
        hosts: { api: p.url },
        source,
        logLevel: 'silent',
      })
      worker.on('GROUP_MESSAGE_CREATE', async (event) => {
        handled.push(event.data.id)
        await worker.reply(event, `seen ${event.data.id}`)
      })
      running.push(worker)
      return worker
    })
    for (const worker of workers) await worker.start()
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

  it('GIVEN an entry that is not an event THEN the worker acknowledges and skips it and goes on', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = await startIngress(p, namespace)
    const handled: string[] = []
    await startWorker(p, namespace, handled)
    await redis.xadd(ingress.stream, '*', 'garbage', 'yes')
    const [id] = dispatch(p, 1)
    await until(() => handled.includes(id!), 5_000, 'the next event to be handled')
    // The event's ACK follows its handler: wait for it rather than read the pending count at once.
    await expect
      .poll(async () => ((await redis.xpending(ingress.stream, 'workers')) as [number, ...unknown[]])[0], {
        timeout: 5_000,
      })
      .toBe(0)
  })

  it('GIVEN a worker that took entries and went silent THEN another takes them over after claimIdleMs and answers each once', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = await startIngress(p, namespace)
    // A consumer that reads entries and never acknowledges them: a worker that died holding them.
    await redis.xreadgroup('GROUP', 'workers', 'dead-worker', 'COUNT', 100, 'STREAMS', ingress.stream, '>')
    const ids = dispatch(p, 20)
    await expect.poll(() => redis.xlen(ingress.stream), { timeout: 5_000 }).toBeGreaterThanOrEqual(20)
    await redis.xreadgroup('GROUP', 'workers', 'dead-worker', 'COUNT', 100, 'STREAMS', ingress.stream, '>')
    const handled: string[] = []
    const worker = await startWorker(p, namespace, handled, 500)
    const attempts = new Map<string, number>()
    worker.on('GROUP_AT_MESSAGE_CREATE', (event) => void attempts.set(event.data.id, event.attempt))
    await until(() => replyCounts(p).size === ids.length, 10_000, 'the stale entries to be reclaimed and answered')
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
    expect(worker.metrics().counters.broker_reclaimed?.['']).toBeGreaterThanOrEqual(ids.length)
    // Delivered to the dead worker once, then to this one: the handlers see attempt 2.
    expect(ids.map((id) => attempts.get(id))).toEqual(ids.map(() => 2))
  })

  it('GIVEN a handler slower than claimIdleMs, and a copy of its event arriving meanwhile THEN nothing is acknowledged before it finishes and no other worker runs it', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = await startIngress(p, namespace)
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const handledBySlow: string[] = []
    // Claims idle for 1 s are taken over: well above the stalls of a loaded machine (at 300 ms, a stall of the slow
    // worker's renewals let the other take the event over once in a full run).
    const claimIdleMs = 1_000
    const source = new RedisStreamSource({ redis, namespace, partitions: false, claimIdleMs, blockMs: 100 })
    const slowWorker = createClient({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      source,
      logLevel: 'silent',
    })
    slowWorker.on('GROUP_AT_MESSAGE_CREATE', async (event) => {
      handledBySlow.push(event.data.id)
      await slow
      await slowWorker.reply(event, 'slow pong')
    })
    await slowWorker.start()
    running.push(slowWorker)
    const event = groupAtMessage({ content: '/ping slow' })
    const id = (event.d as { id: string }).id
    p.dispatch(event.t, event.d)
    await until(() => handledBySlow.length === 1, 5_000, 'the slow handler to start')
    const handledByOther: string[] = []
    await startWorker(p, namespace, handledByOther, claimIdleMs)
    // The same event appended again (an ingress replaying it): this worker or the other may read the copy.
    await redis.xadd(
      ingress.stream,
      '*',
      ...encodeEvent({
        name: event.t,
        id: undefined,
        data: event.d,
        seq: undefined,
        source: 'test',
        shard: undefined,
        receivedAt: Date.now(),
      } as never),
    )

    const doneKey = new RedisKeys(namespace).event(`m:${id}`)
    const pendingNow = async () => ((await redis.xpending(ingress.stream, 'workers')) as [number])[0]
    for (let i = 0; i < 5; i++) {
      // Well past claimIdleMs while the handler still runs: not done, not acknowledged, nobody else on it.
      await new Promise((resolve) => setTimeout(resolve, claimIdleMs / 2))
      expect(await redis.get(doneKey)).not.toBe('done')
      expect(await pendingNow()).toBe(2)
      expect(handledByOther).toEqual([])
      expect(handledBySlow).toEqual([id])
    }
    release()
    await until(() => p.sent.length === 1, 5_000, 'the one reply')
    await expect.poll(pendingNow, { timeout: 5_000 }).toBe(0)
    expect(await redis.get(doneKey)).toBe('done')
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(p.sent.map((message) => message.body.content)).toEqual(['slow pong'])
    expect(handledByOther).toEqual([])
  })

  /** The warnings (level 40) among JSON log lines. */
  const warningsIn = (logs: string[]) =>
    logs.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40)
  const LOSS_WARNING = /vanished from Redis .*entries no worker had read yet are lost.*appendonly yes/

  it('GIVEN the stream and its group vanish from Redis (a restart without persistence) while nothing is appended THEN the workers create the group again, say so, and answer what the ingress appends after', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = await startIngress(p, namespace)
    const handled: string[] = []
    const logs: string[] = []
    const worker = await startWorker(p, namespace, handled, 1_000, logs)
    const before = dispatch(p, 5)
    await until(() => replyCounts(p).size === 5, 5_000, 'the first events to be answered')
    await redis.del(ingress.stream)
    // The worker's next read finds no group: one warning says what was lost and what to do about it.
    await until(() => warningsIn(logs).length > 0, 5_000, 'the worker to notice the loss')
    const after = dispatch(p, 10)
    await until(() => replyCounts(p).size === 15, 10_000, 'the events appended after the loss to be answered')
    expect([...replyCounts(p).keys()].sort()).toEqual([...before, ...after].sort())
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
    expect(worker.running).toBe(true)
    expect(warningsIn(logs).map((line) => line.msg)).toEqual([expect.stringMatching(LOSS_WARNING)])
    // The counter lets an alert fire on it.
    expect(worker.metrics().counters.broker_stream_lost).toEqual({ '': 1 })
  })

  it('GIVEN the stream vanishes from Redis while no worker runs THEN the ingress creates it again with the group, says so, and a worker started later answers everything appended since', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingressLogs: string[] = []
    const ingress = await startIngress(p, namespace, undefined, redis, ingressLogs)
    await redis.del(ingress.stream)
    const after = dispatch(p, 10)
    await until(
      () => ingress.client.metrics().counters.broker_published?.[''] === 10,
      5_000,
      'the events to be appended',
    )
    // Without the group, a worker starting now would create it at the stream's end and skip all ten.
    expect(await redis.xlen(ingress.stream)).toBe(10)
    const handled: string[] = []
    await startWorker(p, namespace, handled)
    await until(() => replyCounts(p).size === 10, 10_000, 'every event appended while no worker ran')
    expect([...replyCounts(p).keys()].sort()).toEqual([...after].sort())
    expect(warningsIn(ingressLogs).map((line) => line.msg)).toEqual([expect.stringMatching(LOSS_WARNING)])
    expect(ingress.client.metrics().counters.broker_stream_lost).toEqual({ '': 1 })
  })

  it('GIVEN a worker stopping while a handler runs THEN it keeps the entry (no other worker runs it) and acknowledges it before stop() returns', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = await startIngress(p, namespace)
    let release!: () => void
    const slow = new Promise<void>((resolve) => (release = resolve))
    const stoppingHandled: string[] = []
    // 1 s claims: well above a loaded machine's stalls of the stopping worker's renewals (see the case above).
    const claimIdleMs = 1_000
    const source = new RedisStreamSource({ redis, namespace, partitions: false, claimIdleMs, blockMs: 100 })
    const stopping = createClient({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      source,
      logLevel: 'silent',
    })
    stopping.on('GROUP_AT_MESSAGE_CREATE', async (event) => {
      stoppingHandled.push(event.data.id)
      await slow
      await stopping.reply(event, 'slow pong')
    })
    await stopping.start()
    const [id] = dispatch(p, 1)
    await until(() => stoppingHandled.length === 1, 5_000, 'the slow handler to start')
    const otherHandled: string[] = []
    await startWorker(p, namespace, otherHandled, claimIdleMs)
    let stopped = false
    const stop = stopping.stop().then(() => (stopped = true))
    await new Promise((resolve) => setTimeout(resolve, 2 * claimIdleMs))
    expect(stopped).toBe(false)
    expect(otherHandled).toEqual([])
    release()
    await stop
    expect(((await redis.xpending(ingress.stream, 'workers')) as [number])[0]).toBe(0)
    expect(replyCounts(p).get(id!)).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, claimIdleMs))
    expect(otherHandled).toEqual([])
  })

  it('GIVEN a bounded stream THEN it is trimmed to about maxLength entries', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    const ingress = await startIngress(p, namespace, 100)
    const ids = dispatch(p, 1_000)
    await until(
      () => ingress.client.metrics().counters.broker_published?.[''] === ids.length,
      10_000,
      'every event to be published',
    )
    const length = Number(await redis.xlen(ingress.stream))
    expect(length).toBeGreaterThanOrEqual(100)
    expect(length).toBeLessThan(400)
    await redis.del(new RedisKeys(namespace).members())
  })

  it('GIVEN Redis unreachable from the ingress for a while THEN events wait (none is lost) and reach the workers once it is back', async () => {
    const proxy = await startCuttableProxy(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'))
    const viaProxy = connectRedis(proxy.url)
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    await startIngress(p, namespace, undefined, viaProxy)
    const handled: string[] = []
    await startWorker(p, namespace, handled)
    proxy.cut()
    const ids = dispatch(p, 50)
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(handled).toEqual([])
    proxy.restore()
    await until(() => replyCounts(p).size === ids.length, 15_000, 'every event to arrive after the outage')
    expect([...replyCounts(p).values()].every((count) => count === 1)).toBe(true)
    running.push({
      stop: async () => {
        viaProxy.disconnect()
        await proxy.close()
      },
    })
  })

  it('GIVEN no Redis at the URL THEN the ingress and the worker fail to start with REDIS_UNAVAILABLE naming the stream and what to check', async () => {
    const p = (platform = await startFakePlatform())
    const nowhere = connectRedis('redis://127.0.0.1:1')
    try {
      const source = new RedisStreamSource({ redis: nowhere, namespace: 'unreachable', partitions: false })
      const worker = createClient({
        appId: p.appId,
        secret: p.secret,
        hosts: { api: p.url },
        source,
        logLevel: 'silent',
      })
      const workerError = await worker.start().catch((error: unknown) => error)
      expect(workerError).toBeInstanceOf(RedisUnavailableError)
      expect((workerError as Error).message).toMatch(
        /Cannot reach Redis: checking the partition layout of qqbot:\{unreachable\}:events failed .*Check the URL/,
      )
      await worker.stop()
      const ingressError = await startIngress(p, 'unreachable', undefined, nowhere).catch((error: unknown) => error)
      expect(ingressError).toMatchObject({ code: 'REDIS_UNAVAILABLE' })
      expect(p.gatewayStats.connections).toBe(0)
    } finally {
      nowhere.disconnect()
    }
  })

  it('GIVEN workers behind THEN broker_lag and broker_group_pending show it, and fall to 0 once they caught up', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    await startIngress(p, namespace)
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const source = new RedisStreamSource({
      redis,
      namespace,
      partitions: false,
      claimIdleMs: 300,
      blockMs: 100,
      batchSize: 2,
    })
    const worker = createClient({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      source,
      logLevel: 'silent',
      pipeline: { concurrency: 1, highWaterMark: 1 },
    })
    worker.on('GROUP_AT_MESSAGE_CREATE', () => held)
    await worker.start()
    running.push(worker)
    dispatch(p, 30)
    try {
      // Both from one state read; the first read may come before the worker's first fetch (pending still 0).
      await expect
        .poll(() => [worker.metrics().gauges.broker_lag ?? 0, worker.metrics().gauges.broker_group_pending ?? 0], {
          timeout: 5_000,
        })
        .toSatisfy(([lag, pending]) => lag! > 0 && pending! > 0)
    } finally {
      release()
    }
    await expect
      .poll(() => [worker.metrics().gauges.broker_lag, worker.metrics().gauges.broker_group_pending], {
        timeout: 10_000,
      })
      .toEqual([0, 0])
  })
})
