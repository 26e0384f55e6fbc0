import { describe, expect, it } from 'vitest'
import { describeStateStorageContract } from '../../../test/support/state-storage-contract.js'
import { RedisStateStorage } from './redis-state-storage.js'
import { REDIS_URL, connectRedis, freshNamespace } from './test-redis.js'

/** Deletes every key under `prefix` (the test's own). */
async function deletePrefix(prefix: string): Promise<void> {
  const redis = connectRedis()
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    await redis.quit()
  }
}

describeStateStorageContract('RedisStateStorage on a connection it opened from a URL', () => {
  const prefix = `qqbot:${freshNamespace()}:state:`
  return { storage: new RedisStateStorage({ redis: REDIS_URL, prefix }), dispose: () => deletePrefix(prefix) }
})

describe('RedisStateStorage', () => {
  it('keeps each value under its prefix, as a hash with a PX expiry when given a TTL', async () => {
    const redis = connectRedis()
    const prefix = `qqbot:${freshNamespace()}:state:`
    const storage = new RedisStateStorage({ redis, prefix })
    try {
      await storage.write('user:1', '{"n":1}', 0, { ttlMs: 60_000 })
      expect(await redis.hgetall(`${prefix}user:1`)).toEqual({ v: '1', j: '{"n":1}' })
      const ttl = await redis.pttl(`${prefix}user:1`)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(60_000)
      await storage.write('user:1', '{"n":2}', 1)
      expect(await redis.pttl(`${prefix}user:1`)).toBe(-1)
    } finally {
      await storage.close()
      await deletePrefix(prefix)
      await redis.quit()
    }
  })

  it('leaves a connection it was given open on close()', async () => {
    const redis = connectRedis()
    const storage = new RedisStateStorage({ redis, prefix: `qqbot:${freshNamespace()}:state:` })
    await storage.close()
    expect(await redis.ping()).toBe('PONG')
    await redis.quit()
  })
})
