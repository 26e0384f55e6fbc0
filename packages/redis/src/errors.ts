import { QQBotError } from '@qqbot/core'

/** Redis cannot be reached (at start, where running on without it is not possible yet). */
export class RedisUnavailableError extends QQBotError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(
      'REDIS_UNAVAILABLE',
      `Cannot reach Redis: ${detail}. Check the URL (e.g. REDIS_URL=redis://127.0.0.1:6379) and that the server runs.`,
      options,
    )
  }
}

/** Processes of one bot disagree on its shard count; leases of different layouts would overlap. */
export class ShardCountMismatchError extends QQBotError {
  constructor(
    namespace: string,
    readonly stored: number,
    readonly wanted: number,
  ) {
    super(
      'SHARD_COUNT_MISMATCH',
      `Bot "${namespace}" already runs ${stored} shard(s) in Redis, but this process was started with ${wanted}. Start every process with shards: ${stored}, or stop them all before changing the shard count.`,
    )
  }
}

/** Workers of one bot disagree on the partition count; an event's partition would depend on who computed it. */
export class PartitionCountMismatchError extends QQBotError {
  constructor(namespace: string, stored: number, wanted: number, options?: { cause?: unknown }) {
    super(
      'PARTITION_COUNT_MISMATCH',
      `Bot "${namespace}" already reads ${stored} partition(s) in Redis, but this worker was started with partitions: ${wanted}. Start the ingress and every worker with partitions: ${stored}, or stop them all (and let the old partitions drain) before changing the count.`,
      options,
    )
  }
}
