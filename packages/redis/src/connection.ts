import type { Cluster, Redis } from 'ioredis'
import { RedisUnavailableError } from './errors.js'

/**
 * What every `@qqbot/redis` class takes as `redis`: one Redis server (`new Redis(url)`, or `new Redis({ sentinels,
 * name })` through Sentinel) or a Redis Cluster (`new Cluster(nodes)`). Every script touches keys of one slot
 * (see keys.ts), so both work alike.
 */
export type RedisConnection = Redis | Cluster

/** The client options a component overrides on the connection it opens for itself. */
export interface ConnectionOverrides {
  enableOfflineQueue?: boolean
  commandTimeout?: number
  maxRetriesPerRequest?: number | null
}

/**
 * A new connection to the same server(s) as `redis`, with `overrides`. A Cluster takes the per-node options
 * (`commandTimeout`, `maxRetriesPerRequest`) under `redisOptions`, merged with those it was created with.
 */
export function duplicateConnection(redis: RedisConnection, overrides: ConnectionOverrides = {}): RedisConnection {
  if (!isCluster(redis)) return redis.duplicate(overrides)
  const { enableOfflineQueue, ...perNode } = overrides
  return redis.duplicate([], {
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    redisOptions: { ...redis.options.redisOptions, ...perNode },
  })
}

export function isCluster(redis: RedisConnection): redis is Cluster {
  return (redis as Cluster).isCluster === true
}

/**
 * The connection to the server that holds `key`: `redis` itself, or on a Cluster the master serving the key's
 * slot. For commands ioredis cannot route by key in a pipeline (XINFO, INFO), which must reach that server.
 */
export async function serverOf(redis: RedisConnection, key: string): Promise<Redis> {
  if (!isCluster(redis)) return redis
  let slot = slots.get(key)
  if (slot === undefined) slots.set(key, (slot = (await redis.cluster('KEYSLOT', key)) as number))
  const address = redis.slots[slot]?.[0]
  const node = redis
    .nodes('master')
    .find((candidate) => `${candidate.options.host}:${candidate.options.port}` === address)
  if (!node)
    throw new RedisUnavailableError(
      `no connection to the Redis Cluster node serving slot ${slot} of ${key} (${address ?? 'not known yet'})`,
    )
  return node
}

/** A key's slot never changes: asked once per key (a process reads a handful of streams at most). */
const slots = new Map<string, number>()
