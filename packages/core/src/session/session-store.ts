/** What is needed to RESUME a shard: its session id and the last sequence number received. */
export interface ShardSession {
  sessionId: string
  /** Every event up to this seq is finished: a RESUME from here replays the rest. */
  seq: number
  shard: readonly [number, number]
  /**
   * The highest seq the process had received when it stored the session. Events after `seq` up to this one
   * reached that process, which may have started them: replayed to the next one, they count as attempt 2.
   */
  received?: number
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
