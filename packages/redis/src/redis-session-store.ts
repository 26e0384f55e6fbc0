import type { RedisConnection } from './connection.js'
import type { SessionStore, ShardSession } from '@qqbot/core'
import { RedisKeys } from './keys.js'
import { withScripts } from './scripts.js'

export interface RedisSessionStoreOptions {
  redis: RedisConnection
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
 * the new owner stored. It remembers the last session it was asked to store, so the coordinator can write it
 * again once it re-asserted a lease that Redis lost ({@link rewrite}).
 */
export class FencedSessionStore implements SessionStore {
  private readonly keys: RedisKeys
  /** The last write asked for: the session key and what was to be stored there ('' when cleared). */
  private latest: { key: string; payload: string; sessionId: string | undefined } | undefined

  constructor(
    private readonly redis: RedisConnection,
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

  save(key: string, session: ShardSession): Promise<void> {
    return this.write(key, JSON.stringify(session), session.sessionId)
  }

  /** Clearing is a write too: an empty session makes the next owner identify. */
  clear(key: string): Promise<void> {
    return this.write(key, '', undefined)
  }

  /** Writes the last session asked for again (after the lease was re-asserted in a Redis that lost it). */
  async rewrite(): Promise<void> {
    const latest = this.latest
    if (latest) await this.write(latest.key, latest.payload, latest.sessionId)
  }

  /**
   * Where the session this run stored last stands in Redis: `stored` (same session id: the shard's next owner
   * RESUMEs it and is replayed what this run had not finished), `missing` (Redis lost it, a write failed, or it
   * holds another session: the next owner identified anew), `none` (this run stored no session), or `unknown`
   * (Redis did not answer).
   */
  async sessionState(): Promise<'stored' | 'missing' | 'none' | 'unknown'> {
    const latest = this.latest
    if (latest?.sessionId === undefined) return 'none'
    try {
      return (await this.load(latest.key))?.sessionId === latest.sessionId ? 'stored' : 'missing'
    } catch {
      return 'unknown'
    }
  }

  private async write(key: string, payload: string, sessionId: string | undefined): Promise<void> {
    this.latest = { key, payload, sessionId }
    const written = await withScripts(this.redis).qqbotFencedSet(
      this.keys.lease(this.shardId),
      this.keys.session(key),
      this.leaseValue(),
      payload,
      this.ttlMs,
    )
    if (written !== 1) this.onRefused()
  }
}

function parseSession(raw: string): ShardSession | undefined {
  if (raw === '') return undefined
  try {
    const value = JSON.parse(raw) as Partial<ShardSession>
    if (typeof value.sessionId !== 'string' || typeof value.seq !== 'number' || !Array.isArray(value.shard))
      return undefined
    const session: ShardSession = {
      sessionId: value.sessionId,
      seq: value.seq,
      shard: [Number(value.shard[0]), Number(value.shard[1])],
    }
    if (typeof value.received === 'number') session.received = value.received
    return session
  } catch {
    return undefined
  }
}
