/** Marks a finished event in {@link SeqWatermark}'s queue (seqs are positive). */
const FINISHED = -1

/**
 * The highest gateway seq below which every event is finished. Events arrive in seq order but finish in
 * any order (handlers run concurrently); the stored session carries this watermark instead of the last
 * seq received, so a process that takes the shard over is replayed every event not yet finished.
 */
export class SeqWatermark {
  /** Seqs in the order tracked, from `head` on; a finished one is overwritten with {@link FINISHED}. */
  private pending: number[] = []
  private head = 0
  /** Entries dropped from the front of `pending` so far: a tracked event's place is its index plus this. */
  private dropped = 0
  /** Bumped on a new session: seqs restart, and callbacks from the old session must not count. */
  private generation = 0
  private unfinished = 0

  /** Events tracked and not finished yet. */
  get outstanding(): number {
    return this.unfinished
  }

  /**
   * Starts tracking `seq`; the returned callback marks it finished (extra calls are ignored). The event's
   * place in the queue is marked, not its seq kept in a Set: a Set that lives in the old generation and has
   * an entry added and deleted per event makes V8 allocate its rehashed tables there (docs/performance.md).
   */
  track(seq: number): () => void {
    const place = this.dropped + this.pending.length
    this.pending.push(seq)
    this.unfinished++
    const generation = this.generation
    let called = false
    return () => {
      if (called || generation !== this.generation) return
      called = true
      this.finish(place - this.dropped)
    }
  }

  /** Forgets everything outstanding (a new session numbers its events from 1 again). */
  reset(): void {
    this.generation++
    this.pending = []
    this.head = 0
    this.dropped = 0
    this.unfinished = 0
  }

  /** The seq to store: just below the oldest unfinished event, or `received` when all are finished. */
  committed(received: number): number {
    return this.head < this.pending.length ? this.pending[this.head]! - 1 : received
  }

  private finish(index: number): void {
    this.pending[index] = FINISHED
    this.unfinished--
    while (this.head < this.pending.length && this.pending[this.head] === FINISHED) this.head++
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head)
      this.dropped += this.head
      this.head = 0
    }
  }
}
