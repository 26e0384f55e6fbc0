import type { RedisConnection } from './connection.js'
import type { IdentifyLimiter } from '@qqbot/core'
import { sleep } from '@qqbot/core/adapter'
import { RedisKeys } from './keys.js'
import { withScripts } from './scripts.js'

export interface RedisIdentifyLimiterOptions {
  redis: RedisConnection
  namespace: string
  prefix?: string
  /** The platform's `session_start_limit.max_concurrency`: identifies allowed at once. Default 1. */
  maxConcurrency?: number
  /** Time between two identifies of one bucket. Default 5 s (the safer of the official SDKs' values). */
  intervalMs?: number
}

/**
 * Paces IDENTIFY across every process of a bot: one per `intervalMs` per bucket (`shard_id % max_concurrency`),
 * the slot handed out by Redis so two processes never identify in the same bucket at once.
 */
export class RedisIdentifyLimiter implements IdentifyLimiter {
  private readonly keys: RedisKeys
  private readonly maxConcurrency: number
  private readonly intervalMs: number

  constructor(private readonly options: RedisIdentifyLimiterOptions) {
    this.keys = new RedisKeys(options.namespace, options.prefix)
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? 1)
    this.intervalMs = options.intervalMs ?? 5_000
  }

  async acquire(shardId: number, signal?: AbortSignal): Promise<void> {
    const bucket = shardId % this.maxConcurrency
    const wait = await withScripts(this.options.redis).qqbotIdentifySlot(
      this.keys.identifyBucket(bucket),
      this.intervalMs,
    )
    if (wait > 0) await sleep(wait, signal)
  }
}
