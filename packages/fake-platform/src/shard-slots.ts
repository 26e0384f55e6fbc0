import { randomHex } from './ids.js'
import { SessionLog, type LogEntry } from './session-log.js'

/** Options of {@link ShardSlots}. */
export interface ShardSlotsOptions {
  /** Events kept per session for replay. */
  logRetention: number
}

/**
 * One `[shard, shardCount]` pair a bot has identified as: its latest session, whether that
 * session is still valid (resumable and taking dispatches), and the connection bound to it.
 * `C` is the connection type (a socket in the gateway, anything in tests).
 */
export interface ShardSlot<C> {
  /** `shard/count`. */
  readonly key: string
  readonly shard: number
  readonly count: number
  /** The latest session; kept after invalidation so its undelivered events carry over. */
  session: SessionLog | undefined
  /** False once the session was invalidated (or before the first identify). */
  valid: boolean
  /** The connection bound to this slot, if any. */
  connection: C | undefined
  /** `d` of the last heartbeat the bound connection sent (`undefined` if none yet). */
  lastHeartbeat: number | null | undefined
}

/** An event for a shard; `count` undefined means "whatever shard count the shard identifies with". */
export interface ShardEvent {
  shard: number
  count: number | undefined
  t: string
  id: string
  d: unknown
}

/** A new session from {@link ShardSlots.startSession}. */
export interface StartedSession {
  session: SessionLog
  /** The seq reserved for READY (events carried over or queued follow it). */
  readySeq: number
}

/** How {@link ShardSlots.find} picks a slot when `count` is omitted. */
export interface FindOptions {
  /**
   * False (default): only the slot under the default shard count (the first in use). True: when
   * that misses, any slot with this shard id (fault and inspection calls name only a shard).
   */
  anyCount?: boolean
}

/**
 * The gateway's shard bookkeeping: a slot per `[shard, shardCount]`, the session ids a resume
 * may name, and events waiting for a shard's next session. Knows nothing about sockets.
 */
export class ShardSlots<C> {
  private readonly slots = new Map<string, ShardSlot<C>>()
  private readonly sessionsById = new Map<string, SessionLog>()
  private queued: ShardEvent[] = []
  private readonly logRetention: number

  constructor(options: ShardSlotsOptions) {
    this.logRetention = options.logRetention
  }

  /** The slot for `[shard, count]`, created on first use. */
  getOrCreate(shard: number, count: number): ShardSlot<C> {
    const key = slotKey(shard, count)
    let slot = this.slots.get(key)
    if (!slot) {
      slot = { key, shard, count, session: undefined, valid: false, connection: undefined, lastHeartbeat: undefined }
      this.slots.set(key, slot)
    }
    return slot
  }

  /** The slot for `shard` under `count` (default: the first shard count in use); see {@link FindOptions}. */
  find(shard: number, count?: number, options: FindOptions = {}): ShardSlot<C> | undefined {
    const resolvedCount = count ?? this.defaultCount()
    const exact = resolvedCount === undefined ? undefined : this.slots.get(slotKey(shard, resolvedCount))
    if (exact || count !== undefined || !options.anyCount) return exact
    for (const slot of this.slots.values()) if (slot.shard === shard) return slot
    return undefined
  }

  /** Every slot, in creation order. */
  all(): IterableIterator<ShardSlot<C>> {
    return this.slots.values()
  }

  /**
   * Starts a new session on `slot` and makes it the valid one. The previous session's events
   * never handed to a socket carry over, then the events queued for this shard, all after the
   * seq reserved for READY. The previous session can no longer be resumed.
   */
  startSession(slot: ShardSlot<C>): StartedSession {
    const previous = slot.session
    const carried: LogEntry[] = previous ? previous.entriesAfter(previous.maxHanded) : []
    if (previous) this.sessionsById.delete(previous.id)
    const session = new SessionLog(randomHex(16), slot.shard, slot.count, this.logRetention)
    this.sessionsById.set(session.id, session)
    slot.session = session
    slot.valid = true
    const readySeq = session.nextSeq()
    session.maxHanded = readySeq
    for (const entry of carried) session.append(entry.t, entry.id, entry.d)
    const stillQueued: ShardEvent[] = []
    for (const event of this.queued) {
      if (event.shard === slot.shard && (event.count === undefined || event.count === slot.count)) {
        session.append(event.t, event.id, event.d)
      } else {
        stillQueued.push(event)
      }
    }
    this.queued = stillQueued
    return { session, readySeq }
  }

  /** The session a resume names and its slot, unless it was invalidated or replaced. */
  resumable(sessionId: string): { session: SessionLog; slot: ShardSlot<C> } | undefined {
    const session = this.sessionsById.get(sessionId)
    const slot = session ? this.slots.get(slotKey(session.shard, session.shardCount)) : undefined
    return session && slot ? { session, slot } : undefined
  }

  /** Marks the slot's session invalid: no resume, and later events wait for the next session. */
  invalidateSession(slot: ShardSlot<C>): void {
    slot.valid = false
    if (slot.session) this.sessionsById.delete(slot.session.id)
  }

  /**
   * Logs an event in its shard's valid session (found as {@link find} does, without `anyCount`),
   * or queues it for that shard's next session. Returns the slot and entry when it was logged.
   */
  log(event: ShardEvent): { slot: ShardSlot<C>; entry: LogEntry } | undefined {
    const slot = this.find(event.shard, event.count)
    if (slot?.valid && slot.session) return { slot, entry: slot.session.append(event.t, event.id, event.d) }
    this.queued.push(event)
    return undefined
  }

  /** The shard count used when a caller does not name one: the first valid slot's, else the first slot's. */
  private defaultCount(): number | undefined {
    let first: number | undefined
    for (const slot of this.slots.values()) {
      if (slot.valid) return slot.count
      first ??= slot.count
    }
    return first
  }
}

function slotKey(shard: number, count: number): string {
  return `${shard}/${count}`
}
