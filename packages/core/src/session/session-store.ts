/** What is needed to RESUME a shard: its session id and the last sequence number received. */
export interface ShardSession {
  sessionId: string
  seq: number
  shard: readonly [number, number]
}

/**
 * Where shard sessions live. In memory for one process; a shared store (Redis) lets another process
 * resume a shard after a takeover. Methods may be sync or async.
 */
export interface SessionStore {
  load(key: string): ShardSession | undefined | Promise<ShardSession | undefined>
  save(key: string, session: ShardSession): void | Promise<void>
  clear(key: string): void | Promise<void>
}

/** The default store: a Map in this process. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, ShardSession>()

  load(key: string): ShardSession | undefined {
    const session = this.sessions.get(key)
    return session && { ...session }
  }

  save(key: string, session: ShardSession): void {
    this.sessions.set(key, { ...session })
  }

  clear(key: string): void {
    this.sessions.delete(key)
  }
}
