import type { Redis } from 'ioredis'
import type { SessionStore, ShardSession } from '@qqbot/core'
import { RedisKeys } from './keys.js'
import { withScripts } from './scripts.js'

export interface RedisSessionStoreOptions {
  redis: Redis
  /** Usually the AppID: keeps several bots apart in one Redis. */
  namespace: string
  /** Key prefix, default `qqbot`. */
  prefix?: string
  /** Stored sessions expire after this long without a write. Default 24 h (the platform forgets them sooner). */
  ttlMs?: number
}

/**
 * Gateway sessions in Redis, so a restarted process (or another one) RESUMEs the shard instead of
 * identifying anew. Without a coordinator this is enough for one process that restarts; with
 * {@link RedisShardCoordinator} the writes are fenced by the shard's lease.
 */
export class RedisSessionStore implements SessionStore {
  protected readonly keys: RedisKeys
  protected readonly ttlMs: number

  constructor(protected readonly options: RedisSessionStoreOptions) {
    this.keys = new RedisKeys(options.namespace, options.prefix)
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000
  }

  async load(key: string): Promise<ShardSession | undefined> {
    const raw = await this.options.redis.get(this.keys.session(key))
    return raw === null ? undefined : parseSession(raw)
  }

  async save(key: string, session: ShardSession): Promise<void> {
    await this.options.redis.set(this.keys.session(key), JSON.stringify(session), 'PX', this.ttlMs)
  }

  async clear(key: string): Promise<void> {
    await this.options.redis.del(this.keys.session(key))
  }
}

/**
 * The session store of one leased shard: a write goes through only while `leaseValue()` still holds the
 * shard's lease, so a process that lost the shard (paused past its lease, cut off) cannot overwrite what
 * the new owner stored.
 */
export class FencedSessionStore implements SessionStore {
  private readonly keys: RedisKeys

  constructor(
    private readonly redis: Redis,
    namespace: string,
    prefix: string | undefined,
    private readonly shardId: number,
    private readonly leaseValue: () => string,
    private readonly onRefused: () => void,
    /** Stored sessions expire after this long without a write (as in {@link RedisSessionStore}). */
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {
    this.keys = new RedisKeys(namespace, prefix)
  }

  async load(key: string): Promise<ShardSession | undefined> {
    const raw = await this.redis.get(this.keys.session(key))
    return raw === null ? undefined : parseSession(raw)
  }

  async save(key: string, session: ShardSession): Promise<void> {
    const written = await withScripts(this.redis).qqbotFencedSet(this.keys.lease(this.shardId), this.keys.session(key), this.leaseValue(), JSON.stringify(session), this.ttlMs)
    if (written !== 1) this.onRefused()
  }

  async clear(key: string): Promise<void> {
    // Clearing is a write too: an empty session makes the next owner identify.
    const written = await withScripts(this.redis).qqbotFencedSet(this.keys.lease(this.shardId), this.keys.session(key), this.leaseValue(), '', this.ttlMs)
    if (written !== 1) this.onRefused()
  }
}

function parseSession(raw: string): ShardSession | undefined {
  if (raw === '') return undefined
  try {
    const value = JSON.parse(raw) as Partial<ShardSession>
    if (typeof value.sessionId !== 'string' || typeof value.seq !== 'number' || !Array.isArray(value.shard)) return undefined
    return { sessionId: value.sessionId, seq: value.seq, shard: [Number(value.shard[0]), Number(value.shard[1])] }
  } catch {
    return undefined
  }
}
