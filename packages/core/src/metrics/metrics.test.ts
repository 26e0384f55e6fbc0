import { describe, expect, it } from 'vitest'
import { defineCounter, defineGauge, Metrics } from './metrics.js'

describe('Metrics counters', () => {
  it('GIVEN counters with labels THEN count sums over label sets or selects one, and snapshot shows every series', () => {
    const metrics = new Metrics()
    metrics.inc('rest_calls', { route: 'GET /gateway' })
    metrics.inc('rest_calls', { route: 'GET /gateway' })
    metrics.inc('rest_calls', { route: 'POST /x', code: 1 }, 3)
    metrics.inc('events_received')
    expect(metrics.count('rest_calls')).toBe(5)
    expect(metrics.count('rest_calls', { route: 'GET /gateway' })).toBe(2)
    expect(metrics.count('rest_calls', { route: 'POST /x', code: 1 })).toBe(3)
    expect(metrics.count('rest_calls', { code: 1, route: 'POST /x' })).toBe(3) // label order does not matter
    expect(metrics.count('rest_calls', { code: '1', route: 'POST /x' })).toBe(3) // numbers and strings label alike
    expect(metrics.count('rest_calls', { route: 'POST /x' })).toBe(0) // a subset is another series
    expect(metrics.count('rest_calls', { route: 'GET /nowhere' })).toBe(0)
    expect(metrics.count('events_received')).toBe(1)
    expect(metrics.count('gateway_resumes')).toBe(0)
    expect(metrics.snapshot().counters).toEqual({
      rest_calls: { 'route="GET /gateway"': 2, 'code="1",route="POST /x"': 3 },
      events_received: { '': 1 },
    })
  })

  it('GIVEN a snapshot THEN it is a copy: later increments do not change it', () => {
    const metrics = new Metrics()
    metrics.inc('replies_sent', { scene: 'group' })
    const before = metrics.snapshot()
    metrics.inc('replies_sent', { scene: 'group' })
    expect(before.counters.replies_sent).toEqual({ 'scene="group"': 1 })
    expect(metrics.snapshot().counters.replies_sent).toEqual({ 'scene="group"': 2 })
  })
})

describe('Metrics gauges', () => {
  it('GIVEN a gauge THEN it is read when asked (snapshot and Prometheus), not when registered', () => {
    const metrics = new Metrics()
    let queued = 1
    let reads = 0
    metrics.gauge('pipeline_queued', () => {
      reads++
      return queued
    })
    expect(reads).toBe(0)
    queued = 7
    expect(metrics.snapshot().gauges).toEqual({ pipeline_queued: 7 })
    queued = 9
    expect(metrics.toPrometheus()).toContain('qqbot_pipeline_queued 9\n')
    expect(reads).toBe(2)
  })

  it('GIVEN a gauge registered twice THEN the newer reader wins', () => {
    const metrics = new Metrics()
    metrics.gauge('rest_in_flight', () => 1)
    metrics.gauge('rest_in_flight', () => 2)
    expect(metrics.snapshot().gauges).toEqual({ rest_in_flight: 2 })
  })
})

describe('Metrics Prometheus text', () => {
  it('GIVEN counters and gauges THEN each family has HELP and TYPE lines, counters end in _total, and the text ends with a newline', () => {
    const metrics = new Metrics()
    metrics.inc('rest_errors', { route: 'GET /users/@me', code: '11244' })
    metrics.inc('events_received', undefined, 2)
    metrics.gauge('rest_in_flight', () => 2)
    const text = metrics.toPrometheus()
    expect(text.split('\n')).toEqual([
      '# HELP qqbot_rest_errors_total REST requests that failed, by route and code',
      '# TYPE qqbot_rest_errors_total counter',
      'qqbot_rest_errors_total{code="11244",route="GET /users/@me"} 1',
      '# HELP qqbot_events_received_total Dispatch events received from any event source',
      '# TYPE qqbot_events_received_total counter',
      'qqbot_events_received_total 2',
      '# HELP qqbot_rest_in_flight REST requests in flight',
      '# TYPE qqbot_rest_in_flight gauge',
      'qqbot_rest_in_flight 2',
      '',
    ])
  })

  it.each([
    ['a double quote', 'say "hi"', 'say \\"hi\\"'],
    ['a backslash', 'C:\\path', 'C:\\\\path'],
    ['a newline', 'line1\nline2', 'line1\\nline2'],
    ['all three', 'say "hi"\\now\n', 'say \\"hi\\"\\\\now\\n'],
  ])('GIVEN a label value with %s THEN it is escaped per the exposition format', (_, raw, escaped) => {
    const metrics = new Metrics()
    metrics.inc('rest_errors', { route: raw })
    metrics.inc('rest_errors', { route: raw, code: 'x' }) // the multi-label path escapes too
    const text = metrics.toPrometheus()
    expect(text).toContain(`qqbot_rest_errors_total{route="${escaped}"} 1\n`)
    expect(text).toContain(`qqbot_rest_errors_total{code="x",route="${escaped}"} 1\n`)
    // every sample stays on one line and parses
    const samples = text.split('\n').filter((line) => line && !line.startsWith('#'))
    expect(samples).toHaveLength(2)
    for (const line of samples) expect(line).toMatch(/^qqbot_[a-z_]+(\{([a-z_]+="(\\.|[^"\\])*",?)+\})? \d+$/)
  })
})

describe('Metrics declared by an adapter', () => {
  it('GIVEN a counter and a gauge an adapter defined THEN they count, read and export under their own name and HELP line', () => {
    const metrics = new Metrics()
    const lost = defineCounter('broker_stream_lost', 'Times the stream vanished')
    const depth = defineGauge('fake_depth', 'Messages in the fake broker')
    metrics.inc(lost)
    metrics.inc(lost, { stream: 'a' }, 2)
    metrics.gauge(depth, () => 4)
    expect(metrics.count(lost)).toBe(3)
    expect(metrics.snapshot()).toEqual({
      counters: { broker_stream_lost: { '': 1, 'stream="a"': 2 } },
      gauges: { fake_depth: 4 },
    })
    expect(metrics.toPrometheus().split('\n')).toEqual([
      '# HELP qqbot_broker_stream_lost_total Times the stream vanished',
      '# TYPE qqbot_broker_stream_lost_total counter',
      'qqbot_broker_stream_lost_total 1',
      'qqbot_broker_stream_lost_total{stream="a"} 2',
      '# HELP qqbot_fake_depth Messages in the fake broker',
      '# TYPE qqbot_fake_depth gauge',
      'qqbot_fake_depth 4',
      '',
    ])
  })
})
