import { afterAll, describe, expect, it } from 'vitest'
import { RedisKeys } from './keys.js'
import { FencedSessionStore, RedisSessionStore } from './redis-session-store.js'
import { RedisIdentifyLimiter } from './redis-identify-limiter.js'
import { connectRedis, freshNamespace, removeFreshNamespaces } from './test-redis.js'

const redis = connectRedis()
const second = connectRedis()
afterAll(async () => {
  await removeFreshNamespaces(redis)
  await redis.quit()
  await second.quit()
})

describe('RedisSessionStore', () => {
  it('GIVEN a saved session THEN another store instance (another process) loads it; clear removes it', async () => {
    const namespace = freshNamespace()
    const session = { sessionId: 's-1', seq: 42, shard: [3, 20] as const }
    await new RedisSessionStore({ redis, namespace }).save('app:3/20', session)
    const other = new RedisSessionStore({ redis: second, namespace })
    expect(await other.load('app:3/20')).toEqual({ sessionId: 's-1', seq: 42, shard: [3, 20] })
    await other.clear('app:3/20')
    expect(await other.load('app:3/20')).toBeUndefined()
  })

  it('GIVEN garbage under the key THEN load answers undefined (identify) instead of throwing', async () => {
    const namespace = freshNamespace()
    await redis.set(new RedisKeys(namespace).session('k'), '{not json')
    expect(await new RedisSessionStore({ redis, namespace }).load('k')).toBeUndefined()
  })
})

describe('FencedSessionStore', () => {
  it('GIVEN the lease is ours THEN writes go through; GIVEN it moved to another process THEN writes are refused and reported', async () => {
    const namespace = freshNamespace()
    const keys = new RedisKeys(namespace)
    await redis.set(keys.lease(0), 'me:1', 'PX', 10_000)
    let refused = 0
    let value = 'me:1'
    const store = new FencedSessionStore(
      redis,
      namespace,
      undefined,
      0,
      () => value,
      () => refused++,
    )
    await store.save('k', { sessionId: 'mine', seq: 5, shard: [0, 1] })
    expect(await store.load('k')).toMatchObject({ sessionId: 'mine', seq: 5 })
    // Expires like an unfenced stored session (24 h by default).
    const ttl = await redis.pttl(keys.session('k'))
    expect(ttl).toBeGreaterThan(23 * 60 * 60 * 1000)
    expect(ttl).toBeLessThanOrEqual(24 * 60 * 60 * 1000)

    await redis.set(keys.lease(0), 'other:2', 'PX', 10_000)
    await store.save('k', { sessionId: 'mine', seq: 9, shard: [0, 1] })
    expect(refused).toBe(1)
    expect(await store.load('k')).toMatchObject({ seq: 5 })
    value = 'other:2'
    await store.clear('k')
    expect(await store.load('k')).toBeUndefined()
  })
})

describe('RedisIdentifyLimiter', () => {
  it('GIVEN two processes asking for the same bucket at once THEN Redis hands out slots one interval apart', async () => {
    const namespace = freshNamespace()
    const intervalMs = 200
    const one = new RedisIdentifyLimiter({ redis, namespace, intervalMs })
    const another = new RedisIdentifyLimiter({ redis: second, namespace, intervalMs })
    const started = Date.now()
    const finished: number[] = []
    await Promise.all(
      [one, another, one].map((limiter, i) => limiter.acquire(i * 2).then(() => finished.push(Date.now() - started))),
    )
    finished.sort((a, b) => a - b)
    // Lower bounds only: the third slot cannot come before two intervals have passed.
    expect(finished[2]!).toBeGreaterThanOrEqual(2 * intervalMs - 20)
    expect(finished[1]!).toBeGreaterThanOrEqual(intervalMs - 20)
  })

  it('GIVEN max_concurrency 2 THEN shards of different buckets do not wait for each other', async () => {
    const namespace = freshNamespace()
    const limiter = new RedisIdentifyLimiter({ redis, namespace, intervalMs: 5_000, maxConcurrency: 2 })
    await limiter.acquire(0)
    const controller = new AbortController()
    // Bucket 1 is free at once; bucket 0 is taken for 5 s, so its next acquire must wait (and can be aborted).
    await limiter.acquire(1)
    const waiting = limiter.acquire(2, controller.signal)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
  })
})
