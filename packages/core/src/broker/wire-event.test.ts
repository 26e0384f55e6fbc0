import { describe, expect, it } from 'vitest'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { fromWireEvent, toWireEvent } from './wire-event.js'

const event = {
  name: 'GROUP_AT_MESSAGE_CREATE',
  id: 'E1',
  data: { id: 'm1' },
  seq: 7,
  shard: [2, 4],
  source: 'gateway',
  receivedAt: 1234,
} as unknown as DispatchedEvent

describe('wire event', () => {
  it('GIVEN a dispatched event THEN it comes back as the same envelope, its source prefixed with the broker', () => {
    expect(fromWireEvent(toWireEvent(event), 'fake')).toEqual({
      name: 'GROUP_AT_MESSAGE_CREATE',
      id: 'E1',
      data: { id: 'm1' },
      seq: 7,
      shard: [2, 4],
      source: 'fake:gateway',
      receivedAt: 1234,
    })
  })

  it('GIVEN fields of the wrong kind THEN they are left out, the source is unknown and the receive time is now', () => {
    const before = Date.now()
    const envelope = fromWireEvent({ t: 'X', d: null, id: 5, s: Number.NaN, shard: [1], at: -1, src: 3 }, 'fake')
    expect(envelope).toMatchObject({
      name: 'X',
      id: undefined,
      seq: undefined,
      shard: undefined,
      source: 'fake:unknown',
    })
    expect(envelope.receivedAt).toBeGreaterThanOrEqual(before)
  })
})
