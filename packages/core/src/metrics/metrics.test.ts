import { describe, expect, it } from 'vitest'
import { Metrics } from './metrics.js'

describe('Metrics', () => {
  it('GIVEN counters with labels THEN count sums or selects, and snapshot shows every series', () => {
    const metrics = new Metrics()
    metrics.inc('rest_calls', { route: 'GET /gateway' })
    metrics.inc('rest_calls', { route: 'GET /gateway' })
    metrics.inc('rest_calls', { route: 'POST /x', code: 1 }, 3)
    metrics.inc('events_received')
    expect(metrics.count('rest_calls')).toBe(5)
    expect(metrics.count('rest_calls', { route: 'GET /gateway' })).toBe(2)
    expect(metrics.count('rest_calls', { code: 1, route: 'POST /x' })).toBe(3)
    expect(metrics.count('gateway_resumes')).toBe(0)
    expect(metrics.snapshot().counters).toEqual({
      rest_calls: { 'route="GET /gateway"': 2, 'code="1",route="POST /x"': 3 },
      events_received: { '': 1 },
    })
  })

  it('GIVEN a gauge THEN it is read when asked, not when registered', () => {
    const metrics = new Metrics()
    let queued = 1
    metrics.gauge('pipeline_queued', () => queued)
    queued = 7
    expect(metrics.snapshot().gauges).toEqual({ pipeline_queued: 7 })
  })

  it('GIVEN series THEN Prometheus text has HELP/TYPE lines and escaped labels', () => {
    const metrics = new Metrics()
    metrics.inc('rest_errors', { route: 'say "hi"\\now' })
    metrics.gauge('rest_in_flight', () => 2)
    const text = metrics.toPrometheus()
    expect(text).toContain('# TYPE qqbot_rest_errors_total counter')
    expect(text).toContain('qqbot_rest_errors_total{route="say \\"hi\\"\\\\now"} 1')
    expect(text).toContain('# TYPE qqbot_rest_in_flight gauge\nqqbot_rest_in_flight 2')
  })
})
