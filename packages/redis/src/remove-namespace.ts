import type { Redis } from 'ioredis'
import { isCluster, type RedisConnection } from './connection.js'
import { keyBase } from './keys.js'

/**
 * Deletes every key a bot keeps in Redis under `namespace`: `<prefix>:{<namespace>}…` (leases, sessions, the
 * stream, claims and done marks) and those of its sub-namespaces, `<prefix>:{<namespace>:…}…` (partition leases,
 * the running ingresses). A stream given its own name (the `stream` option) is not among them, nor are the keys
 * of `RedisStateStorage`, which has a prefix of its own. Resolves with how many keys were deleted.
 *
 * For retiring a bot, or a namespace a test or a demo made: stop every process of the bot first, or they write
 * their keys again. On a Cluster every master is scanned.
 */
export async function removeNamespace(redis: RedisConnection, namespace: string, prefix = 'qqbot'): Promise<number> {
  const base = escapeGlob(keyBase(namespace, prefix))
  // `{ns}…` and `{ns:…}…`, but not `{ns2}…`: another namespace that starts with the same characters.
  const patterns = [`${base}*`, `${base.slice(0, -1)}:*`]
  const servers: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis]
  let removed = 0
  for (const server of servers)
    for (const pattern of patterns) {
      let cursor = '0'
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
        // One UNLINK per key: on a Cluster, keys of several slots cannot share a command.
        if (keys.length > 0) {
          const unlinks = server.pipeline()
          for (const key of keys) unlinks.unlink(key)
          await unlinks.exec()
          removed += keys.length
        }
        cursor = next
      } while (cursor !== '0')
    }
  return removed
}

/** `text` with Redis' glob characters escaped, so that it matches only itself in a `SCAN … MATCH`. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
