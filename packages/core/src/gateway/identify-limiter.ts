import { sleep } from '../util/sleep.js'

/** Decides when a shard may send IDENTIFY. Local by default; a Redis-backed one paces several processes. */
export interface IdentifyLimiter {
  /** Resolves when `shardId` may identify. */
  acquire(shardId: number, signal?: AbortSignal): Promise<void>
}

/**
 * One identify per bucket per interval, with `shard_id % max_concurrency` choosing the bucket.
 * Official SDKs wait 2 s (Go) or 5 s (Python) between starts; 5 s is the safe default.
 */
export class LocalIdentifyLimiter implements IdentifyLimiter {
  private readonly nextSlot: number[]

  constructor(
    private readonly maxConcurrency = 1,
    private readonly intervalMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    this.nextSlot = new Array(Math.max(1, maxConcurrency)).fill(0)
  }

  async acquire(shardId: number, signal?: AbortSignal): Promise<void> {
    const bucket = shardId % this.nextSlot.length
    const now = this.now()
    const slot = Math.max(now, this.nextSlot[bucket]!)
    this.nextSlot[bucket] = slot + this.intervalMs
    const wait = slot - now
    if (wait > 0) await sleep(wait, signal)
  }
}
