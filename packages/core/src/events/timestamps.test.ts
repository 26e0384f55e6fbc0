import { describe, expect, it } from 'vitest'
import { eventTime } from './timestamps.js'

describe('eventTime', () => {
  it('GIVEN RFC 3339, Unix seconds, milliseconds or a numeric string THEN the same instant', () => {
    const instant = Date.UTC(2026, 4, 21, 12, 15, 10)
    expect(eventTime('2026-05-21T20:15:10+08:00')?.getTime()).toBe(instant)
    expect(eventTime(instant / 1000)?.getTime()).toBe(instant)
    expect(eventTime(instant)?.getTime()).toBe(instant)
    expect(eventTime(String(instant / 1000))?.getTime()).toBe(instant)
    expect(eventTime(` ${instant / 1000} `)?.getTime()).toBe(instant)
  })

  it('GIVEN nothing usable THEN undefined', () => {
    for (const value of [undefined, null, '', 'yesterday', Number.NaN, Number.POSITIVE_INFINITY])
      expect(eventTime(value)).toBeUndefined()
  })
})
