import { sleep } from '../util/sleep.js'

/**
 * What a pulling source (a broker consumer) handed to the pipeline and has not acknowledged yet, and the
 * acknowledgements under way: the source renews what is held, reports its size, and on stop lets it finish.
 */
export class HeldEvents<K, V> {
  private readonly held = new Map<K, V>()
  /** Acknowledgements under way: counted, not kept, so that each costs no more than its own promise. */
  private acknowledging = 0
  /** Resolved when the acknowledgements under way are done (made by the first {@link settle} waiting for them). */
  private allAcknowledged: { promise: Promise<void>; resolve: () => void } | undefined

  get size(): number {
    return this.held.size
  }

  has(key: K): boolean {
    return this.held.has(key)
  }

  entries(): IterableIterator<[K, V]> {
    return this.held.entries()
  }

  hold(key: K, value: V): void {
    this.held.set(key, value)
  }

  /** The event is finished: no longer held; `acknowledge` (which must not reject) is awaited by {@link settle}. */
  release(key: K, acknowledge: () => Promise<void>): void {
    this.held.delete(key)
    this.acknowledging++
    void acknowledge().then(this.settled, this.settled)
  }

  /** Waits until nothing is held (at most `timeoutMs`), then for the acknowledgements under way. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.held.size > 0 && Date.now() < deadline) await sleep(50)
    if (this.acknowledging === 0) return
    if (!this.allAcknowledged) {
      let resolve!: () => void
      const promise = new Promise<void>((done) => (resolve = done))
      this.allAcknowledged = { promise, resolve }
    }
    await this.allAcknowledged.promise
  }

  private readonly settled = (): void => {
    if (--this.acknowledging > 0) return
    this.allAcknowledged?.resolve()
    this.allAcknowledged = undefined
  }
}
