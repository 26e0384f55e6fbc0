import type { IdentifyLimiter, SessionStore } from '@qqbot/core'
import type { ShardCoordinator } from '@qqbot/core/adapter'
import { RedisIdentifyLimiter } from './redis-identify-limiter.js'
import { RedisSessionStore } from './redis-session-store.js'
import { RedisShardCoordinator, type RedisShardCoordinatorOptions } from './redis-shard-coordinator.js'

export interface RedisScaleOutOptions extends RedisShardCoordinatorOptions {
  /** The platform's `max_concurrency` and the pause between identifies of one bucket (default 5 s). */
  identify?: { maxConcurrency?: number; intervalMs?: number }
}

/** The three options that make processes share a bot's shards; spread them into `createClient`/`createBot`. */
export interface RedisScaleOut {
  shardCoordinator: ShardCoordinator & RedisShardCoordinator
  sessionStore: SessionStore
  identifyLimiter: IdentifyLimiter
}

/**
 * Shards shared through Redis: leases with fencing, sessions in Redis (a takeover RESUMEs), identifies paced
 * across processes.
 * ```ts
 * const bot = createBot({ appId, secret, shards: 20, controllers, ...redisScaleOut({ redis, namespace: appId }) })
 * ```
 */
export function redisScaleOut(options: RedisScaleOutOptions): RedisScaleOut {
  const { redis, namespace, prefix } = options
  return {
    shardCoordinator: new RedisShardCoordinator(options),
    sessionStore: new RedisSessionStore({ redis, namespace, prefix }),
    identifyLimiter: new RedisIdentifyLimiter({ redis, namespace, prefix, ...options.identify }),
  }
}
