import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'

/** Tests use the real server: REDIS_URL, or the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export function connectRedis(url = REDIS_URL): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 })
  redis.on('error', () => undefined) // outage tests cut connections on purpose
  return redis
}

/** A namespace no other test uses. */
export function freshNamespace(): string {
  return `test-${randomBytes(4).toString('hex')}`
}
