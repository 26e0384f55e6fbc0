import { afterEach, describe, expect, it, vi } from 'vitest'
import { SEND_HIGH_WATER_BYTES, type GatewayContext } from './gateway-connection.js'
import { rawJson } from './raw-json.js'
import { stubConnection, stubContext } from './test-stub-socket.js'

/** A connection bound to a fresh session of shard [0, 1], live from READY (seq 1). */
function ready(context: GatewayContext) {
  const { slots } = context
  const { conn, ws } = stubConnection(context)
  const slot = slots.getOrCreate(0, 1)
  const { session, readySeq } = slots.startSession(slot)
  conn.bind(slot, session)
  conn.phase = 'ready'
  conn.cursor = readySeq
  return { conn, ws, slot, session }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('GatewayConnection', () => {
  it('GIVEN logged events THEN pump sends each once, in order, with its seq, and reports them as frames', () => {
    const { context, frames } = stubContext()
    const { slots } = context
    const { conn, ws, session } = ready(context)
    slots.log({ shard: 0, count: undefined, t: 'A', id: 'a', d: { n: 1 } })
    slots.log({ shard: 0, count: undefined, t: 'RAW', id: 'r', d: rawJson('{"id":12345678901234567891}') })
    conn.pump()
    conn.pump()
    expect(ws.sent).toEqual([
      '{"op":0,"s":2,"t":"A","id":"a","d":{"n":1}}',
      '{"op":0,"s":3,"t":"RAW","id":"r","d":{"id":12345678901234567891}}',
    ])
    expect(conn.cursor).toBe(3)
    expect(session.maxHanded).toBe(3)
    expect(frames.map((f) => [f.direction, (f.payload as { t: string }).t])).toEqual([
      ['out', 'A'],
      ['out', 'RAW'],
    ])
    expect(conn.backlog()).toEqual({ bufferedBytes: 0, unsentEvents: 0 })
  })

  it('GIVEN a socket buffer above the high-water mark THEN pump holds events back and sends them once it drains', async () => {
    const { context } = stubContext()
    const { slots } = context
    const { conn, ws } = ready(context)
    ws.bufferedAmount = SEND_HIGH_WATER_BYTES + 1
    slots.log({ shard: 0, count: undefined, t: 'HELD', id: 'h', d: {} })
    conn.pump()
    expect(ws.sent).toEqual([])
    expect(conn.backlog()).toEqual({ bufferedBytes: SEND_HIGH_WATER_BYTES + 1, unsentEvents: 1 })
    expect(conn.isBacklogged()).toBe(true)
    ws.bufferedAmount = 0
    await vi.waitFor(() => expect(ws.payloads()).toMatchObject([{ t: 'HELD', s: 2 }]))
    expect(conn.isBacklogged()).toBe(false)
  })

  it('GIVEN 4096 events not yet handed over THEN the connection counts as backlogged', () => {
    const { context } = stubContext()
    const { slots } = context
    const { conn } = ready(context)
    for (let i = 0; i < 4095; i++) slots.log({ shard: 0, count: undefined, t: 'E', id: `${i}`, d: {} })
    expect(conn.isBacklogged()).toBe(false)
    slots.log({ shard: 0, count: undefined, t: 'E', id: 'last', d: {} })
    expect(conn.isBacklogged()).toBe(true)
  })

  it('GIVEN a resume THEN pump replays after the resume seq and then sends RESUMED without s', () => {
    const { context } = stubContext()
    const { slots } = context
    const first = ready(context)
    slots.log({ shard: 0, count: undefined, t: 'E2', id: 'e2', d: {} })
    slots.log({ shard: 0, count: undefined, t: 'E3', id: 'e3', d: {} })
    const { conn, ws } = stubConnection(context)
    conn.bind(first.slot, first.session)
    conn.phase = 'resuming'
    conn.cursor = 2
    conn.resumeTarget = first.session.lastSeq
    conn.pump()
    expect(ws.payloads()).toEqual([
      { op: 0, s: 3, t: 'E3', id: 'e3', d: {} },
      { op: 0, t: 'RESUMED', d: '' },
    ])
    expect(conn.phase).toBe('ready')
  })

  it('GIVEN another connection binds to the slot THEN the old one is detached and terminated', () => {
    const { context } = stubContext()
    const old = ready(context)
    const { conn } = stubConnection(context)
    conn.bind(old.slot, old.session)
    expect(old.slot.connection).toBe(conn)
    expect(old.ws.terminated).toBe(true)
    expect(old.conn.slot).toBeUndefined()
    expect(old.conn.serves(old.session)).toBe(false)
    expect(conn.serves(old.session)).toBe(true)
  })

  it('GIVEN close with 4006 THEN the session it serves is invalidated; 4009 keeps it resumable', () => {
    const { context } = stubContext()
    const { slots } = context
    const first = ready(context)
    first.conn.close(4009, 'session timed out')
    expect(first.ws.closedWith).toEqual([4009, 'session timed out'])
    expect(slots.resumable(first.session.id)).toBeDefined()

    const second = stubConnection(context)
    second.conn.bind(first.slot, first.session)
    second.conn.close(4006, 'session invalid')
    expect(slots.resumable(first.session.id)).toBeUndefined()
    expect(first.slot.valid).toBe(false)
    expect(context.stats.closesSent).toEqual([4009, 4006])
    expect(second.conn.closedByServer).toBe(true)
  })

  it('GIVEN requestReconnect THEN op 7 goes out and the server closes with 4009 after the delay', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { context } = stubContext()
    const { conn, ws } = ready(context)
    conn.requestReconnect(1000)
    expect(ws.payloads()).toEqual([{ op: 7 }])
    vi.advanceTimersByTime(999)
    expect(ws.closedWith).toBeUndefined()
    vi.advanceTimersByTime(1)
    expect(ws.closedWith).toEqual([4009, 'session timed out'])
  })

  it('GIVEN requestReconnect and then stopTimers (the socket closed) THEN no 4009 follows', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { context } = stubContext()
    const { conn, ws } = ready(context)
    conn.requestReconnect(1000)
    conn.stopTimers()
    vi.advanceTimersByTime(5000)
    expect(ws.closedWith).toBeUndefined()
  })

  it('GIVEN sendInvalidSession THEN op 9 goes out and the connection is back to hello with no session', () => {
    const { context } = stubContext()
    const { conn, ws, session } = ready(context)
    conn.sendInvalidSession()
    expect(ws.payloads()).toEqual([{ op: 9, d: false }])
    expect(conn.phase).toBe('hello')
    expect(conn.serves(session)).toBe(false)
  })
})
