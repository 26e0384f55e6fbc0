import { Redis } from 'ioredis'

/** One connection per process; ioredis reconnects on its own, so errors are logged, not fatal. */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url)
  // The URL may carry a password: log the error only.
  redis.on('error', (error: Error) => console.error(`redis: ${error.message}`))
  return redis
}
