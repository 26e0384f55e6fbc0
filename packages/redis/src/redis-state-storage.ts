import { Redis } from 'ioredis'
import type { RedisConnection } from './connection.js'
import type { StateStorage, StateWriteOptions, StoredState } from '@qqbot/core'
import { stateTtlMs } from '@qqbot/core/adapter'
import { withScripts, type ScriptedRedis } from './scripts.js'

/** Options of {@link RedisStateStorage}. */
export interface RedisStateStorageOptions {
  /**
   * A connection you own (it stays open on `close()`; a Redis Cluster too, each key is one slot), or a URL such as `redis://127.0.0.1:6379` to open one
   * the storage owns and closes.
   */
  redis: RedisConnection | string
  /**
   * Put before every state key: keeps the state apart from other data and from other bots in one Redis (e.g.
   * `qqbot:<appId>:state:`). Default `qqbot:state:`.
   */
  prefix?: string
}

/**
 * Bot state in Redis, shared by every process of the bot. Each key is a hash of its version and JSON; a write
 * is one Lua script (compare the version, write, set or clear the TTL), so the compare-and-set is atomic. A
 * TTL is Redis's own key expiry (`PEXPIRE`), measured by the Redis server's clock.
 */
export class RedisStateStorage implements StateStorage {
  private readonly redis: RedisConnection & ScriptedRedis
  private readonly owned: boolean
  private readonly prefix: string

  constructor(options: RedisStateStorageOptions) {
    this.owned = typeof options.redis === 'string'
    this.redis = withScripts(typeof options.redis === 'string' ? new Redis(options.redis) : options.redis)
    this.prefix = options.prefix ?? 'qqbot:state:'
  }

  async read(key: string): Promise<StoredState | undefined> {
    const [version, json] = await this.redis.hmget(this.prefix + key, 'v', 'j')
    if (typeof version !== 'string' || typeof json !== 'string') return undefined
    return { json, version: Number(version) }
  }

  async write(
    key: string,
    json: string,
    expectedVersion: number,
    options?: StateWriteOptions,
  ): Promise<number | undefined> {
    const ttlMs = stateTtlMs(options) ?? 0
    const version = await this.redis.qqbotStateWrite(this.prefix + key, json, expectedVersion, ttlMs)
    return version === null ? undefined : Number(version)
  }

  async delete(key: string, expectedVersion: number): Promise<boolean> {
    return (await this.redis.qqbotStateDelete(this.prefix + key, expectedVersion)) === 1
  }

  /** Closes the connection if the storage opened it (from a URL); one you passed in stays open. */
  async close(): Promise<void> {
    if (this.owned && this.redis.status !== 'end') await this.redis.quit()
  }
}
