/**
 * The highest gateway seq below which every event is finished. Events arrive in seq order but finish in
 * any order (handlers run concurrently); the stored session carries this watermark instead of the last
 * seq received, so a process that takes the shard over is replayed every event not yet finished.
 */
export class SeqWatermark {
  private pending: number[] = []
  private head = 0
  private readonly finished = new Set<number>()
  /** Bumped on a new session: seqs restart, and callbacks from the old session must not count. */
  private generation = 0

  /** Events tracked and not finished yet. */
  get outstanding(): number {
    return this.pending.length - this.head
  }

  /** Starts tracking `seq`; the returned callback marks it finished (extra calls are ignored). */
  track(seq: number): () => void {
    this.pending.push(seq)
    const generation = this.generation
    let called = false
    return () => {
      if (called || generation !== this.generation) return
      called = true
      this.finish(seq)
    }
  }

  /** Forgets everything outstanding (a new session numbers its events from 1 again). */
  reset(): void {
    this.generation++
    this.pending = []
    this.head = 0
    this.finished.clear()
  }

  /** The seq to store: just below the oldest unfinished event, or `received` when all are finished. */
  committed(received: number): number {
    return this.head < this.pending.length ? this.pending[this.head]! - 1 : received
  }

  private finish(seq: number): void {
    this.finished.add(seq)
    while (this.head < this.pending.length && this.finished.delete(this.pending[this.head]!)) this.head++
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head)
      this.head = 0
    }
  }
}
