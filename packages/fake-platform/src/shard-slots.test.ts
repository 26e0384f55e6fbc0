import { describe, expect, it } from 'vitest'
import { ShardSlots, type ShardEvent } from './shard-slots.js'

/** Connections are opaque to the registry; a label is enough. */
type Conn = string

const event = (t: string, shard = 0, count?: number): ShardEvent => ({ shard, count, t, id: `${t}:id`, d: { t } })

describe('ShardSlots', () => {
  it('GIVEN getOrCreate twice for one [shard, count] THEN it returns the same slot, without a session', () => {
    const slots = new ShardSlots<Conn>({ logRetention: 10 })
    const slot = slots.getOrCreate(1, 2)
    expect(slots.getOrCreate(1, 2)).toBe(slot)
    expect(slot).toMatchObject({ key: '1/2', shard: 1, count: 2, session: undefined, valid: false })
    expect([...slots.all()]).toEqual([slot])
  })

  it('GIVEN events before any session THEN they are queued and logged after READY (seq 1) of the matching shard only', () => {
    const slots = new ShardSlots<Conn>({ logRetention: 10 })
    expect(slots.log(event('A', 0))).toBeUndefined()
    expect(slots.log(event('B', 1, 2))).toBeUndefined()
    expect(slots.log(event('C', 0, 3))).toBeUndefined()

    const { session, readySeq } = slots.startSession(slots.getOrCreate(0, 2))
    expect(readySeq).toBe(1)
    expect(session.maxHanded).toBe(1)
    expect(session.entriesAfter(0).map((e) => [e.s, e.t])).toEqual([[2, 'A']]) // B is shard 1, C wants count 3

    const shard1 = slots.startSession(slots.getOrCreate(1, 2)).session
    expect(shard1.entriesAfter(0).map((e) => [e.s, e.t])).toEqual([[2, 'B']])
    const other = slots.startSession(slots.getOrCreate(0, 3)).session
    expect(other.entriesAfter(0).map((e) => e.t)).toEqual(['C'])
  })

  it('GIVEN a valid session THEN log appends to it with the next seq', () => {
    const slots = new ShardSlots<Conn>({ logRetention: 10 })
    const slot = slots.getOrCreate(0, 1)
    slots.startSession(slot)
    const logged = slots.log(event('E'))
    expect(logged?.slot).toBe(slot)
    expect(logged?.entry).toEqual({ s: 2, t: 'E', id: 'E:id', d: { t: 'E' } })
  })

  it('GIVEN a new session on a slot THEN events never handed out carry over, and the old id is no longer resumable', () => {
    const slots = new ShardSlots<Conn>({ logRetention: 10 })
    const slot = slots.getOrCreate(0, 1)
    const first = slots.startSession(slot).session
    slots.log(event('HANDED'))
    slots.log(event('UNSENT'))
    first.maxHanded = 2
    expect(slots.resumable(first.id)).toEqual({ session: first, slot })

    const second = slots.startSession(slot).session
    expect(second.id).not.toBe(first.id)
    expect(second.entriesAfter(0).map((e) => [e.s, e.t])).toEqual([[2, 'UNSENT']])
    expect(slots.resumable(first.id)).toBeUndefined()
    expect(slots.resumable(second.id)?.session).toBe(second)
  })

  it('GIVEN invalidateSession THEN the session cannot be resumed and new events are queued for the next session', () => {
    const slots = new ShardSlots<Conn>({ logRetention: 10 })
    const slot = slots.getOrCreate(0, 1)
    const { session } = slots.startSession(slot)
    slots.invalidateSession(slot)
    expect(slot.valid).toBe(false)
    expect(slot.session).toBe(session) // kept: its undelivered events still carry over
    expect(slots.resumable(session.id)).toBeUndefined()
    expect(slots.log(event('LATER'))).toBeUndefined()
    expect(
      slots
        .startSession(slot)
        .session.entriesAfter(0)
        .map((e) => e.t),
    ).toEqual(['LATER'])
  })

  it('GIVEN no count THEN find uses the first valid slot’s count, else the first slot’s', () => {
    const slots = new ShardSlots<Conn>({ logRetention: 10 })
    expect(slots.find(0)).toBeUndefined()
    const old = slots.getOrCreate(0, 2)
    const current = slots.getOrCreate(0, 3)
    expect(slots.find(0)).toBe(old)
    slots.startSession(current)
    expect(slots.find(0)).toBe(current)
    expect(slots.find(0, 2)).toBe(old)
  })

  it('GIVEN a shard that exists only under another count THEN find misses it unless anyCount is set', () => {
    const slots = new ShardSlots<Conn>({ logRetention: 10 })
    slots.startSession(slots.getOrCreate(0, 2))
    const resharded = slots.getOrCreate(2, 3)
    expect(slots.find(2)).toBeUndefined()
    expect(slots.find(2, undefined, { anyCount: true })).toBe(resharded)
    expect(slots.find(2, 2, { anyCount: true })).toBeUndefined() // a named count is always exact
    // Dispatch uses the exact lookup: the event waits for shard 2's next session.
    expect(slots.log(event('TO_2', 2))).toBeUndefined()
  })
})
