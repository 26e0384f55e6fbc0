import type { Logger } from 'pino'
import type { NonconformingField } from '../events/normalize.js'
import type { Metrics } from '../metrics/metrics.js'

export interface NonconformingReportOptions {
  /** Least time between two log lines about one (event, field path). Default 10 min. */
  logIntervalMs?: number
  /** (event, field path) pairs remembered for the log limit; past it, new pairs are counted but not logged. Default 1,000. */
  maxTrackedFields?: number
}

interface Tracked {
  loggedAt: number
  /** Occurrences since the last log line. */
  since: number
}

/**
 * Counts every odd field of a delivered event (`events_nonconforming{event,path}`) and logs each
 * (event, field path) once, then at most once per interval with the count in between: a platform change that
 * touches every event writes a handful of lines, not one per event.
 */
export class NonconformingReport {
  private readonly tracked = new Map<string, Tracked>()
  private readonly logIntervalMs: number
  private readonly maxTracked: number

  constructor(
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    options: NonconformingReportOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.logIntervalMs = options.logIntervalMs ?? 600_000
    this.maxTracked = options.maxTrackedFields ?? 1_000
  }

  record(
    event: { name: string; id?: string | undefined; source: string },
    fields: readonly NonconformingField[],
  ): void {
    for (const field of fields) {
      this.metrics.inc('events_nonconforming', { event: event.name, path: field.path })
      const key = `${event.name} ${field.path}`
      let entry = this.tracked.get(key)
      if (!entry) {
        if (this.tracked.size >= this.maxTracked) continue
        entry = { loggedAt: -Infinity, since: 0 }
        this.tracked.set(key, entry)
      }
      entry.since++
      const at = this.now()
      if (at - entry.loggedAt < this.logIntervalMs) continue
      this.logger.warn(
        {
          event: event.name,
          eventId: event.id,
          source: event.source,
          path: field.path,
          problem: field.problem,
          occurrences: entry.since,
        },
        field.normalised
          ? 'delivered an event whose payload differs from the documented shape; rewrote the field to the documented shape'
          : 'delivered an event whose payload differs from the documented shape; the field is passed on as received',
      )
      entry.loggedAt = at
      entry.since = 0
    }
  }
}
