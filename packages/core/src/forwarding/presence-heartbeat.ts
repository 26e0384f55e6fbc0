/** How a broker adapter records that a process is running, for the others to see. */
export interface PresenceRecord {
  /** Writes (or refreshes) the record; it lapses on its own unless refreshed again. */
  beat(): Promise<void>
  /** Removes the record at once (a clean stop). */
  withdraw(): Promise<void>
}

/**
 * Keeps a {@link PresenceRecord} fresh: one beat at `start()`, then one every `intervalMs` until `stop()`, which
 * withdraws it. A beat that fails is reported to `onError` and tried again at the next interval; the record
 * lapses by itself if the process dies, so nothing is left behind for long. The timer does not keep the
 * process alive.
 */
export class PresenceHeartbeat {
  private timer: NodeJS.Timeout | undefined
  private beating: Promise<void> | undefined

  constructor(
    private readonly record: PresenceRecord,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Writes the record (rejects if that fails), then keeps it fresh. */
  async start(): Promise<void> {
    await this.record.beat()
    this.timer = setInterval(() => {
      this.beating ??= this.record
        .beat()
        .catch(this.onError)
        .finally(() => (this.beating = undefined))
    }, this.intervalMs)
    this.timer.unref()
  }

  /** Stops refreshing and withdraws the record; a failure to withdraw is reported, the record then lapses. */
  async stop(): Promise<void> {
    if (!this.timer) return
    clearInterval(this.timer)
    this.timer = undefined
    await this.beating
    await this.record.withdraw().catch(this.onError)
  }
}
