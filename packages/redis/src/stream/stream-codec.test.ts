import { describe, expect, it } from 'vitest'
import { decodeEvent, encodeEvent } from './stream-codec.js'

const dispatched = {
  name: 'GROUP_AT_MESSAGE_CREATE',
  id: 'E1',
  data: { id: 'm1', content: 'hi' },
  seq: 7,
  shard: [2, 4],
  source: 'gateway',
  receivedAt: 1234,
}
const event = dispatched as never

/** What a worker's pipeline gets: the event as dispatched, its source named after the broker. */
const envelope = { ...dispatched, source: 'redis-stream:gateway' }

/** The entry's fields as a record (each name once). */
function record(fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.flatMap((value, i) => (i % 2 === 0 ? [[value, fields[i + 1] ?? '']] : [])))
}

describe('stream codec', () => {
  it('GIVEN a dispatched event THEN it decodes to the same envelope (name, id, data, seq, shard, receivedAt)', () => {
    expect(decodeEvent(encodeEvent(event))).toEqual({ envelope })
  })

  it('GIVEN a dispatched event THEN its entry has the fields a worker of the first layout needs (t, d, id) and the rest in m', () => {
    const fields = encodeEvent(event)
    expect(record(fields)).toEqual({
      t: 'GROUP_AT_MESSAGE_CREATE',
      d: '{"id":"m1","content":"hi"}',
      id: 'E1',
      m: '[7,1234,"gateway",[2,4]]',
    })
    expect(fields).toHaveLength(8)
  })

  it('GIVEN an event without id, seq or shard THEN the entry leaves them out and decodes without them', () => {
    const fields = encodeEvent({ ...(event as object), id: undefined, seq: undefined, shard: undefined } as never)
    expect(record(fields)).not.toHaveProperty('id')
    expect(decodeEvent(fields)).toEqual({ envelope: { ...envelope, id: undefined, seq: undefined, shard: undefined } })
  })

  it('GIVEN an entry of the first layout (a field per value, from an older ingress) THEN it decodes to the same envelope', () => {
    const fields = ['t', 'GROUP_AT_MESSAGE_CREATE', 'd', '{"id":"m1","content":"hi"}', 'at', '1234', 'src', 'gateway']
    fields.push('id', 'E1', 's', '7', 'shard', '2/4')
    expect(decodeEvent(fields)).toEqual({ envelope })
  })

  it('GIVEN an entry whose m is not what this layout writes THEN the event is still delivered, received now and from an unknown source', () => {
    const before = Date.now()
    for (const meta of ['{oops', '{"at":1}', '[null,"soon",7,"2/4"]']) {
      const decoded = decodeEvent(['t', 'X', 'd', '{"id":"m1"}', 'm', meta])
      expect(decoded).toEqual({
        envelope: expect.objectContaining({ name: 'X', data: { id: 'm1' }, source: 'redis-stream:unknown' }),
      })
      const { envelope: delivered } = decoded as { envelope: { receivedAt: number; seq?: number; shard?: unknown } }
      expect(delivered.receivedAt).toBeGreaterThanOrEqual(before)
      expect(delivered.seq).toBeUndefined()
      expect(delivered.shard).toBeUndefined()
    }
  })

  it('GIVEN an entry that is not an event THEN decoding says why', () => {
    expect(decodeEvent(['foo', 'bar'])).toEqual({ error: expect.stringMatching(/no t \(event name\)/) })
    expect(decodeEvent(['t', 'X', 'd', '{oops'])).toEqual({ error: expect.stringMatching(/not JSON/) })
  })
})
