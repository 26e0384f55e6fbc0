import { describe, expect, it, vi } from 'vitest'
import type { Logger } from 'pino'
import { Metrics } from '../metrics/metrics.js'
import { NonconformingReport } from './nonconforming-report.js'

const FIELD = { path: 'author.id', problem: 'expected string, received number', normalised: true }

describe('NonconformingReport', () => {
  it('GIVEN one odd field on 1,000 events THEN every one is counted and the log gets one line, then one per interval with the count', () => {
    const logger = { warn: vi.fn(), info: vi.fn(), error: vi.fn() }
    const metrics = new Metrics()
    let now = 0
    const report = new NonconformingReport(logger as unknown as Logger, metrics, { logIntervalMs: 60_000 }, () => now)
    for (let i = 0; i < 1_000; i++) {
      report.record({ name: 'C2C_MESSAGE_CREATE', id: `e${i}`, source: 'gateway' }, [FIELD])
      now += 100
    }
    expect(metrics.count('events_nonconforming', { event: 'C2C_MESSAGE_CREATE', path: 'author.id' })).toBe(1_000)
    expect(logger.warn).toHaveBeenCalledTimes(2)
    expect(logger.warn.mock.calls[0]![0]).toMatchObject({
      event: 'C2C_MESSAGE_CREATE',
      eventId: 'e0',
      path: 'author.id',
    })
    expect(logger.warn.mock.calls[1]![0]).toMatchObject({ eventId: 'e600', repeated: 600 })
  })

  it('GIVEN more (event, path) pairs than it follows THEN the extra pairs are counted but not logged', () => {
    const logger = { warn: vi.fn(), info: vi.fn(), error: vi.fn() }
    const metrics = new Metrics()
    const report = new NonconformingReport(logger as unknown as Logger, metrics, { maxTrackedFields: 1 })
    report.record({ name: 'A', source: 'gateway' }, [FIELD, { ...FIELD, path: 'b' }])
    expect(logger.warn).toHaveBeenCalledTimes(1)
    expect(metrics.count('events_nonconforming', { event: 'A', path: 'b' })).toBe(1)
  })
})
