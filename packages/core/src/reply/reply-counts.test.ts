import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ReplyCounts } from './reply-counts.js'

/** Keys whose low 32 bits are equal land in one probe run, however large the table. */
const sameSlot = (i: number, low = 7) => i * 2 ** 32 + low

describe('ReplyCounts', () => {
  it('GIVEN counts set, replaced and deleted THEN it answers as a Map does, 0 for a key it does not hold', () => {
    const counts = new ReplyCounts(4)
    counts.set(11, 1)
    counts.set(12, 2)
    counts.set(11, 3)
    expect(counts.size).toBe(2)
    expect(counts.get(11)).toBe(3)
    expect(counts.get(13)).toBe(0)
    expect(counts.delete(11)).toBe(true)
    expect(counts.delete(11)).toBe(false)
    expect(counts.get(11)).toBe(0)
    expect(counts.get(12)).toBe(2)
    expect(counts.size).toBe(1)
  })

  it('GIVEN ids THEN each key is a positive integer below 2^53, the same for the same id and distinct for ids that differ late or in non-ASCII characters', () => {
    const counts = new ReplyCounts()
    const ids = ['', 'a', 'aa', 'ROBOT1.0_x', 'ROBOT1.0_y', 'event_id:ROBOT1.0_x', '用户', '用戶', 'x'.repeat(1_000)]
    const keys = ids.map((id) => counts.keyOf(id))
    for (const key of keys) {
      expect(Number.isSafeInteger(key)).toBe(true)
      expect(key).toBeGreaterThan(0)
    }
    expect(new Set(keys).size).toBe(ids.length)
    expect(ids.map((id) => counts.keyOf(id))).toEqual(keys)
  })

  it('GIVEN 200,000 message-like ids THEN no two share a key, and keys use the high bits too', () => {
    const counts = new ReplyCounts()
    const keys = new Set<number>()
    let highBitsSeen = 0
    for (let i = 0; i < 200_000; i++) {
      const key = counts.keyOf(`ROBOT1.0_${i.toString(36).padStart(8, '0')}.Wq0VxN3lYkRrP3AAA`)
      keys.add(key)
      if (key >= 2 ** 52) highBitsSeen++
    }
    expect(keys.size).toBe(200_000)
    // Half the keys should have the top bit set if the high hash is spread; far from none or all.
    expect(highBitsSeen).toBeGreaterThan(90_000)
    expect(highBitsSeen).toBeLessThan(110_000)
  })

  it('GIVEN keys in one long probe run deleted from its middle THEN the rest of the run is still found', () => {
    const counts = new ReplyCounts(64)
    // Alternating homes 7 and 8: a deletion must shift the keys homed at 7 back, and leave those homed at 8 at or after 8.
    for (let i = 1; i <= 20; i++) {
      counts.set(sameSlot(i), i)
      if (i <= 5) counts.set(sameSlot(i, 8), 100 + i)
    }
    for (const i of [3, 10, 1, 20]) expect(counts.delete(sameSlot(i))).toBe(true)
    for (let i = 1; i <= 20; i++) expect(counts.get(sameSlot(i))).toBe([3, 10, 1, 20].includes(i) ? 0 : i)
    for (let i = 1; i <= 5; i++) expect(counts.get(sameSlot(i, 8))).toBe(100 + i)
    expect(counts.size).toBe(21)
  })

  it('GIVEN any sequence of sets and deletes over colliding and spread keys (growing past and shrinking below its capacity) THEN every answer matches a Map', () => {
    // Runs homed at neighbouring slots interleave (a shift must not move a key before its home), and the last slot wraps.
    const key = fc.oneof(
      fc
        .tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom(7, 8, 9, 2 ** 32 - 1))
        .map(([i, low]) => sameSlot(i, low)),
      fc.integer({ min: 1, max: 2 ** 53 - 1 }),
    )
    const operation = fc.oneof(
      fc.record({ set: key, replies: fc.integer({ min: 1, max: 2 ** 32 - 1 }) }),
      fc.record({ delete: key }),
    )
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), (operations) => {
        const counts = new ReplyCounts(4)
        const reference = new Map<number, number>()
        for (const op of operations) {
          if ('set' in op) {
            counts.set(op.set, op.replies)
            reference.set(op.set, op.replies)
          } else {
            expect(counts.delete(op.delete)).toBe(reference.delete(op.delete))
          }
          expect(counts.size).toBe(reference.size)
        }
        for (const [held, replies] of reference) expect(counts.get(held)).toBe(replies)
      }),
      { numRuns: 300 },
    )
  })

  it('GIVEN 100,000 keys added then all deleted THEN it is empty, shrinks back, and takes new keys', () => {
    const counts = new ReplyCounts(16)
    const keys = Array.from({ length: 100_000 }, (_, i) => counts.keyOf(`m${i}`))
    for (const key of keys) counts.set(key, 1)
    expect(counts.size).toBe(100_000)
    expect(counts.capacity).toBe(2 ** 18)
    for (const key of keys) expect(counts.delete(key)).toBe(true)
    expect(counts.size).toBe(0)
    expect(counts.capacity).toBe(16)
    expect(keys.some((key) => counts.get(key) !== 0)).toBe(false)
    counts.set(keys[0]!, 4)
    expect(counts.get(keys[0]!)).toBe(4)
  })
})
