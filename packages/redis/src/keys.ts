/**
 * Where the scale-out state of one bot lives in Redis: everything under `<prefix>:{<namespace>}:`. The braces
 * are a Redis Cluster hash tag: every key of a bot hashes to one slot, so each script (a lease with its fence,
 * a lease with the session it guards), each batch (the renewals of a round, the `MGET` of the leases) and the
 * stream with its claim keys stay on one node. On a single Redis the braces are just characters.
 */
export class RedisKeys {
  private readonly base: string

  constructor(namespace: string, prefix = 'qqbot') {
    this.base = keyBase(namespace, prefix)
  }

  /** Who runs `shardId` now: `<member>:<fence>`, with a TTL. */
  lease(shardId: number): string {
    return `${this.base}:lease:${shardId}`
  }

  /** The shard's fencing counter: every new lease gets the next number. */
  fence(shardId: number): string {
    return `${this.base}:fence:${shardId}`
  }

  /** Live processes: a sorted set of member → expiry (ms). */
  members(): string {
    return `${this.base}:members`
  }

  /** The shard count every process must agree on. */
  shardCount(): string {
    return `${this.base}:shard-count`
  }

  /** A stored gateway session (session id and seq), by the gateway's session key. */
  session(sessionKey: string): string {
    return `${this.base}:session:${sessionKey}`
  }

  /** An event's claim while a worker handles it, then `done` (the dedupe key of the ingress/worker split). */
  event(dedupeKey: string): string {
    return `${this.base}:event:${dedupeKey}`
  }

  /** The next free identify slot of a `max_concurrency` bucket. */
  identifyBucket(bucket: number): string {
    return `${this.base}:identify:${bucket}`
  }
}

/** `<prefix>:{<namespace>}`: the start of every key of a bot, its hash tag included. */
export function keyBase(namespace: string, prefix = 'qqbot'): string {
  return `${prefix}:{${namespace}}`
}
