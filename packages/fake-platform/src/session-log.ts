/** One logged dispatch event. */
export interface LogEntry {
  /** Sequence number. */
  s: number
  /** Event type. */
  t: string
  /** Event id (payload top-level `id`). */
  id: string
  /** Event data. */
  d: unknown
}

/**
 * A gateway session: its id, shard, sequence counter and the log of dispatched events kept
 * for resume replay. Sequence numbers in the log are consecutive (READY takes seq 1 and is
 * not logged), so lookups by seq are O(1).
 */
export class SessionLog {
  /** Highest seq assigned so far (READY included). */
  lastSeq = 0
  /** Highest seq ever handed to `ws.send` on a live socket. */
  maxHanded = 0
  /** Highest seq dropped from the log by retention (resuming from below it is impossible). */
  droppedUpTo = 0
  private entries: LogEntry[] = []
  private head = 0

  constructor(
    /** Random session id. */
    readonly id: string,
    /** Shard id. */
    readonly shard: number,
    /** Shard count. */
    readonly shardCount: number,
    private readonly retention: number,
  ) {}

  /** Number of entries currently retained. */
  get size(): number {
    return this.entries.length - this.head
  }

  /** Reserves the next seq without logging an event (used for READY). */
  nextSeq(): number {
    this.lastSeq += 1
    return this.lastSeq
  }

  /** Assigns the next seq to an event and logs it, trimming the oldest entries beyond retention. */
  append(t: string, id: string, d: unknown): LogEntry {
    const entry: LogEntry = { s: this.nextSeq(), t, id, d }
    this.entries.push(entry)
    while (this.entries.length - this.head > this.retention) {
      const dropped = this.entries[this.head]
      this.head += 1
      if (dropped) this.droppedUpTo = dropped.s
    }
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
    return entry
  }

  /** The first logged entry with a seq greater than `seq`, if any. */
  entryAfter(seq: number): LogEntry | undefined {
    const first = this.entries[this.head]
    if (!first) return undefined
    if (seq + 1 <= first.s) return first
    return this.entries[this.head + (seq + 1 - first.s)]
  }

  /** Logged entries with a seq greater than `seq`, in order. */
  entriesAfter(seq: number): LogEntry[] {
    const first = this.entries[this.head]
    if (!first) return []
    return this.entries.slice(this.head + Math.max(0, seq + 1 - first.s))
  }
}
