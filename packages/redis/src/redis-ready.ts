import type { RedisConnection } from './connection.js'
import { RedisUnavailableError } from './errors.js'

/** Resolves once `redis` is connected; rejects with {@link RedisUnavailableError} after `timeoutMs`. */
export async function whenReady(redis: RedisConnection, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady)
      reject(new RedisUnavailableError(`no connection after ${timeoutMs} ms (status ${redis.status})`))
    }, timeoutMs)
    const onReady = () => {
      clearTimeout(timer)
      resolve()
    }
    redis.once('ready', onReady)
  })
}
