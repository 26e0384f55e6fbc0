import { describe, expect, it } from 'vitest'
import { SeqWatermark } from './seq-watermark.js'

describe('SeqWatermark', () => {
  it('GIVEN nothing tracked THEN the committed seq is the last received', () => {
    expect(new SeqWatermark().committed(42)).toBe(42)
  })

  it('GIVEN events finishing out of order THEN it stays just below the oldest unfinished one', () => {
    const watermark = new SeqWatermark()
    const done = [5, 6, 7, 8].map((seq) => watermark.track(seq))
    expect(watermark.committed(8)).toBe(4)
    done[1]!()
    done[3]!()
    expect(watermark.committed(8)).toBe(4)
    done[0]!()
    expect(watermark.committed(8)).toBe(6)
    done[2]!()
    expect(watermark.committed(8)).toBe(8)
    expect(watermark.outstanding).toBe(0)
  })

  it('GIVEN a callback called twice THEN the second call changes nothing', () => {
    const watermark = new SeqWatermark()
    const first = watermark.track(1)
    watermark.track(2)
    first()
    first()
    expect(watermark.committed(2)).toBe(1)
  })

  it('GIVEN a reset (new session) THEN callbacks of the old session are ignored', () => {
    const watermark = new SeqWatermark()
    const old = watermark.track(10)
    watermark.reset()
    const fresh = watermark.track(2)
    old()
    expect(watermark.committed(2)).toBe(1)
    fresh()
    expect(watermark.committed(2)).toBe(2)
  })

  it('GIVEN many thousands of events THEN memory is compacted and the answer stays right', () => {
    const watermark = new SeqWatermark()
    const callbacks = Array.from({ length: 5_000 }, (_, i) => watermark.track(i + 1))
    for (const done of callbacks.slice(0, 4_999)) done()
    expect(watermark.committed(5_000)).toBe(4_999)
    callbacks[4_999]!()
    expect(watermark.committed(5_000)).toBe(5_000)
  })

  it('GIVEN an event finishing late while thousands after it finish and are compacted THEN the answer stays right', () => {
    const watermark = new SeqWatermark()
    const callbacks = Array.from({ length: 5_000 }, (_, i) => watermark.track(i + 1))
    for (const done of callbacks.slice(0, 3_000)) done()
    callbacks[4_000]!()
    for (const done of callbacks.slice(3_001, 4_000)) done()
    expect(watermark.committed(5_000)).toBe(3_000)
    callbacks[3_000]!()
    expect(watermark.committed(5_000)).toBe(4_001)
    for (const done of callbacks.slice(4_001)) done()
    expect(watermark.committed(5_000)).toBe(5_000)
    expect(watermark.outstanding).toBe(0)
  })
})
