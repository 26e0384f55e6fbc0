import { afterEach, describe, expect, it, vi } from 'vitest'
import { PresenceHeartbeat, type PresenceRecord } from './presence-heartbeat.js'

/** A record that counts its beats and withdrawals; `failNext` makes the next beat reject. */
function countingRecord() {
  const record = {
    beats: 0,
    withdrawals: 0,
    failNext: false,
    async beat() {
      record.beats++
      if (record.failNext) {
        record.failNext = false
        throw new Error('broker unreachable')
      }
    },
    async withdraw() {
      record.withdrawals++
    },
  }
  return record satisfies PresenceRecord
}

afterEach(() => {
  vi.useRealTimers()
})

describe('PresenceHeartbeat', () => {
  it('GIVEN a start THEN it beats at once and every interval, and a stop withdraws the record and ends the beats', async () => {
    vi.useFakeTimers()
    const record = countingRecord()
    const heartbeat = new PresenceHeartbeat(record, 1_000, () => {})
    await heartbeat.start()
    expect(record.beats).toBe(1)
    await vi.advanceTimersByTimeAsync(3_000)
    expect(record.beats).toBe(4)
    await heartbeat.stop()
    expect(record.withdrawals).toBe(1)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(record.beats).toBe(4)
  })

  it('GIVEN a beat that fails after the start THEN the error is reported and the next interval beats again', async () => {
    vi.useFakeTimers()
    const record = countingRecord()
    const errors: unknown[] = []
    const heartbeat = new PresenceHeartbeat(record, 1_000, (error) => errors.push(error))
    await heartbeat.start()
    record.failNext = true
    await vi.advanceTimersByTimeAsync(2_000)
    expect(errors).toHaveLength(1)
    expect((errors[0] as Error).message).toBe('broker unreachable')
    expect(record.beats).toBe(3)
    await heartbeat.stop()
  })

  it('GIVEN the first beat fails THEN start() rejects and nothing keeps beating; a stop then withdraws nothing', async () => {
    const record = countingRecord()
    record.failNext = true
    const heartbeat = new PresenceHeartbeat(record, 1_000, () => {})
    await expect(heartbeat.start()).rejects.toThrow('broker unreachable')
    await heartbeat.stop()
    expect(record.withdrawals).toBe(0)
  })
})
