import type { Redis } from 'ioredis'
import { RedisUnavailableError } from '../errors.js'

/** Where events travel between ingress and workers. */
export interface StreamOptions {
  /** Stream key. Default `qqbot:<namespace>:events`. */
  stream?: string
  /** Consumer group of the workers. Default `workers`. */
  group?: string
  /**
   * Split the stream into partitions, one key's events (the key of `pipeline.order`: one user in one chat by
   * default) always in the same one, each read by one worker at a time under a lease: a key's events are then
   * handled one at a time and in order across workers too, and a `ctx.prompt()` answer reaches the worker that
   * asked. `true` for 16 partitions, or a count; the ingress and every worker must use the same. Default: one
   * stream shared by every worker, no order across workers. See docs/scaling.md.
   */
  partitions?: number | boolean
}

export const DEFAULT_GROUP = 'workers'

export function streamKey(namespace: string, options: StreamOptions, prefix = 'qqbot'): string {
  return options.stream ?? `${prefix}:${namespace}:events`
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
export async function ensureGroup(redis: Redis, stream: string, group: string, from: '$' | '0' = '$'): Promise<void> {
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
