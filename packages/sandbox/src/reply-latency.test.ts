import { describe, expect, it } from 'vitest'
import { ReplyLatency } from './reply-latency.js'

describe('ReplyLatency', () => {
  it('GIVEN dispatched messages and replies to them THEN each first reply has its latency, and p50/p99 cover the recent ones', () => {
    const latency = new ReplyLatency()
    expect(latency.percentiles()).toBeUndefined()
    for (let i = 1; i <= 100; i++) latency.dispatched(`m${i}`, 1_000)
    for (let i = 1; i <= 100; i++) expect(latency.replied(`m${i}`, 1_000 + i)).toBe(i)
    expect(latency.percentiles()).toEqual({ p50: 50, p99: 99 })
  })

  it('GIVEN a second reply, an unknown id or no id THEN it is not a reply latency', () => {
    const latency = new ReplyLatency()
    latency.dispatched('m1', 0)
    expect(latency.replied('m1', 10)).toBe(10)
    expect(latency.replied('m1', 20)).toBeUndefined()
    expect(latency.replied('other', 20)).toBeUndefined()
    expect(latency.replied(undefined, 20)).toBeUndefined()
    expect(latency.percentiles()).toEqual({ p50: 10, p99: 10 })
  })
})
