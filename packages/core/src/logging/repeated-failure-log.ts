import type { Logger } from 'pino'

export interface RepeatedFailureLogOptions {
  /** Least time between two lines about one kind of failure while it goes on. Default 30 s. */
  intervalMs?: number
  /** Kinds of failure followed at once; failures of further kinds are not logged until one recovers. Default 1,000. */
  maxKinds?: number
  now?: () => number
}

interface Ongoing {
  since: number
  loggedAt: number
  /** Failures since the last line. */
  unlogged: number
  total: number
}

/**
 * Logs a failure that repeats (a store that is down, a stream of forged requests) the way an operator wants to
 * read it: the first occurrence in full, then one line per interval with how many happened in between, and one
 * line when it works again. Metrics still count every occurrence; only the log is thinned.
 */
export class RepeatedFailureLog {
  private readonly ongoing = new Map<string, Ongoing>()
  private readonly intervalMs: number
  private readonly maxKinds: number
  private readonly now: () => number

  constructor(
    private readonly logger: Logger,
    options: RepeatedFailureLogOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 30_000
    this.maxKinds = options.maxKinds ?? 1_000
    this.now = options.now ?? Date.now
  }

  /** One more failure of kind `key`; logged when it is the first, or the first since the interval passed. */
  failed(key: string, level: 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    const now = this.now()
    const ongoing = this.ongoing.get(key)
    if (!ongoing) {
      if (this.ongoing.size >= this.maxKinds) return
      this.ongoing.set(key, { since: now, loggedAt: now, unlogged: 0, total: 1 })
      this.logger[level](fields, message)
      return
    }
    ongoing.total += 1
    ongoing.unlogged += 1
    if (now - ongoing.loggedAt < this.intervalMs) return
    this.logger[level](
      { ...fields, repeated: ongoing.unlogged, failingForMs: now - ongoing.since },
      `${message} (${ongoing.unlogged} more since the last line)`,
    )
    ongoing.loggedAt = now
    ongoing.unlogged = 0
  }

  /** Kind `key` works again: says so once, if it had failed. */
  recovered(key: string, message: string): void {
    const ongoing = this.ongoing.get(key)
    if (!ongoing) return
    this.ongoing.delete(key)
    this.logger.info({ failures: ongoing.total, failingForMs: this.now() - ongoing.since }, message)
  }
}
