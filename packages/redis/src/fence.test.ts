import { describe, expect, it } from 'vitest'
import { compareFences, continuity, proposeEpoch } from './fence.js'

describe('fences', () => {
  const ours = { epoch: 1_000, counter: 4 }

  it('GIVEN a lease taken again THEN its fence tells whether anyone held the shard in between, or the counter was lost', () => {
    expect(continuity(ours, { epoch: 1_000, counter: 5 })).toBe('next')
    expect(continuity(ours, { epoch: 1_000, counter: 7 })).toBe('held-between')
    expect(continuity(ours, { epoch: 2_000, counter: 1 })).toBe('counter-lost')
    expect(continuity(ours, { epoch: 2_000, counter: 3 })).toBe('counter-lost-held-since')
  })

  it('GIVEN Redis lost the counter THEN the fence of the new epoch still ranks above every fence of the old one', () => {
    expect(compareFences({ epoch: 2_000, counter: 1 }, { epoch: 1_000, counter: 999 })).toBeGreaterThan(0)
    expect(compareFences({ epoch: 1_000, counter: 3 }, ours)).toBeLessThan(0)
  })

  it('GIVEN a clock behind the epochs seen already THEN the proposed epoch is still above them', () => {
    expect(proposeEpoch(0, 5_000)).toBe(5_000)
    expect(proposeEpoch(9_000, 5_000)).toBe(9_001)
  })
})
