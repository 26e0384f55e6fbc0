import { ConfigError } from '@qqbot/core'
import { isCluster, type RedisConnection } from '../connection.js'
import { RedisUnavailableError } from '../errors.js'
import { keyBase } from '../keys.js'

/** Where events travel between ingress and workers. */
export interface StreamOptions {
  /**
   * Stream key. Default `qqbot:{<namespace>}:events`. On a Redis Cluster a key of your own must carry the same
   * hash tag (`{<namespace>}`): a worker marks an event done and acknowledges its entry in one transaction.
   */
  stream?: string
  /** Consumer group of the workers. Default `workers`. */
  group?: string
  /**
   * Split the stream into partitions, one key's events (the key of `pipeline.order`: one user in one chat by
   * default) always in the same one, each read by one worker at a time under a lease: a key's events are then
   * handled one at a time and in order across workers too, and a `ctx.prompt()` answer reaches the worker that
   * asked. Default (and `true`): 16 partitions; or a count; `false` for one stream shared by every worker, with
   * no order across workers. The ingress and every worker must use the same. See docs/scaling.md.
   */
  partitions?: number | boolean
}

export const DEFAULT_GROUP = 'workers'

export function streamKey(namespace: string, options: StreamOptions, prefix = 'qqbot'): string {
  return options.stream ?? `${keyBase(namespace, prefix)}:events`
}

/** The stream of one partition: `<stream>:<partition>` (`qqbot:<namespace>:events:3`). */
export function partitionStreamKey(stream: string, partition: number): string {
  return `${stream}:${partition}`
}

/**
 * Creates the group at the stream's end (and the stream) unless it exists; `BUSYGROUP` means it does. The
 * first Redis command of an ingress or worker: a Redis it cannot reach fails here with a
 * {@link RedisUnavailableError} that names the cause.
 */
export async function ensureGroup(
  redis: RedisConnection,
  stream: string,
  group: string,
  from: '$' | '0' = '$',
): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, from, 'MKSTREAM')
  } catch (error) {
    if (String((error as Error).message).includes('BUSYGROUP')) return
    if (redis.status !== 'ready' || (error as Error).name === 'MaxRetriesPerRequestError') {
      throw new RedisUnavailableError(
        `creating the consumer group "${group}" of ${stream} failed (${(error as Error).message}; connection ${redis.status})`,
        { cause: error },
      )
    }
    throw error
  }
}

/**
 * On a Redis Cluster, checks that a worker's stream and its claim keys share a slot (a stream key of your own
 * without the bot's hash tag would not): marking an event done and acknowledging its entry is one transaction.
 */
export async function checkSameSlot(redis: RedisConnection, stream: string, claimKey: string): Promise<void> {
  if (!isCluster(redis)) return
  const [streamSlot, claimSlot] = await Promise.all([
    redis.cluster('KEYSLOT', stream) as Promise<number>,
    redis.cluster('KEYSLOT', claimKey) as Promise<number>,
  ])
  if (streamSlot !== claimSlot)
    throw new ConfigError(
      `The stream key "${stream}" hashes to another Redis Cluster slot (${streamSlot}) than the bot's other keys (${claimSlot}, e.g. "${claimKey}"). Leave the stream option unset, or put the same hash tag in it (the namespace in braces, like "${claimKey.slice(0, claimKey.indexOf('}') + 1)}:events").`,
    )
}
