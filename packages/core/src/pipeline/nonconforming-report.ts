import type { Logger } from 'pino'
import type { NonconformingField } from '../events/normalize.js'
import { RepeatedFailureLog } from '../logging/repeated-failure-log.js'
import type { Metrics } from '../metrics/metrics.js'

export interface NonconformingReportOptions {
  /** Least time between two log lines about one (event, field path). Default 10 min. */
  logIntervalMs?: number
  /** (event, field path) pairs followed for the log limit; past it, new pairs are counted but not logged. Default 1,000. */
  maxTrackedFields?: number
}

/**
 * Counts every odd field of a delivered event (`events_nonconforming{event,path}`) and logs each
 * (event, field path) once, then at most once per interval with the count in between: a platform change that
 * touches every event writes a handful of lines, not one per event.
 */
export class NonconformingReport {
  private readonly log: RepeatedFailureLog

  constructor(
    logger: Logger,
    private readonly metrics: Metrics,
    options: NonconformingReportOptions = {},
    now: () => number = Date.now,
  ) {
    this.log = new RepeatedFailureLog(logger, {
      intervalMs: options.logIntervalMs ?? 600_000,
      maxKinds: options.maxTrackedFields ?? 1_000,
      now,
    })
  }

  record(
    event: { name: string; id?: string | undefined; source: string },
    fields: readonly NonconformingField[],
  ): void {
    for (const field of fields) {
      this.metrics.inc('events_nonconforming', { event: event.name, path: field.path })
      this.log.failed(
        `${event.name} ${field.path}`,
        'warn',
        { event: event.name, eventId: event.id, source: event.source, path: field.path, problem: field.problem },
        field.normalised
          ? 'delivered an event whose payload differs from the documented shape; rewrote the field to the documented shape'
          : 'delivered an event whose payload differs from the documented shape; the field is passed on as received',
      )
    }
  }
}
