import { sleep } from '../util/sleep.js'

/**
 * What a pulling source (a broker consumer) handed to the pipeline and has not acknowledged yet, and the
 * acknowledgements under way: the source renews what is held, reports its size, and on stop lets it finish.
 */
export class HeldEvents<K, V> {
  private readonly held = new Map<K, V>()
  private readonly acknowledging = new Set<Promise<void>>()

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
    const running = acknowledge()
    this.acknowledging.add(running)
    void running.finally(() => this.acknowledging.delete(running))
  }

  /** Waits until nothing is held (at most `timeoutMs`), then for the acknowledgements under way. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (this.held.size > 0 && Date.now() < deadline) await sleep(50)
    await Promise.allSettled([...this.acknowledging])
  }
}
