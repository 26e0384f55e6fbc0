/**
 * Gathers requests into one Redis call: the first request of a batch schedules it (setImmediate: after the
 * I/O callbacks of this turn of the event loop, so a lone request waits for nothing else), and the requests
 * made meanwhile, up to `maxSize`, join it. While a batch is in flight the next one fills, and goes out as
 * soon as the first answered: at a high rate each call carries many requests, at a low rate each goes at once.
 * `run` answers each request of a batch in order; a batch that fails fails each of its requests.
 */
export class CommandBatch<T, R> {
  private queued: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = []
  private scheduled = false
  private inFlight = false

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly maxSize = 256,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ item, resolve, reject })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      void this.flush()
    })
  }

  private async flush(): Promise<void> {
    if (this.queued.length === 0) return
    const batch = this.queued.splice(0, this.maxSize)
    this.inFlight = true
    try {
      const results = await this.run(batch.map(({ item }) => item))
      batch.forEach(({ resolve }, i) => resolve(results[i]!))
    } catch (error) {
      for (const { reject } of batch) reject(error)
    } finally {
      this.inFlight = false
    }
    if (this.queued.length > 0) await this.flush()
  }
}
