/**
 * Runs tasks one at a time per key, in the order they were queued; tasks of different keys run concurrently.
 * Within one process this means writes to one key never race each other, so compare-and-set conflicts (and
 * their retries) are left for writes from other processes.
 */
export class KeyLock {
  /** The last queued task of each busy key, settled either way (it never rejects). */
  private readonly tails = new Map<string, Promise<void>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.then(task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }
}
