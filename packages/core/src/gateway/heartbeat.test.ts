import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Heartbeat, heartbeatInterval } from './heartbeat.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'

let sent: GatewayPayload[]
let seq: number
let readingPaused: boolean
let zombie: ReturnType<typeof vi.fn<() => void>>

function heartbeat(): Heartbeat {
  return new Heartbeat({
    send: (payload) => void sent.push(payload),
    seq: () => seq,
    readingPaused: () => readingPaused,
    zombie,
  })
}

beforeEach(() => {
  vi.useFakeTimers()
  sent = []
  seq = 0
  readingPaused = false
  zombie = vi.fn<() => void>()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('Heartbeat', () => {
  it('GIVEN Hello with an interval THEN it is used; without one, 45 s', () => {
    expect(heartbeatInterval({ op: GatewayOp.HELLO, d: { heartbeat_interval: 41_250 } })).toBe(41_250)
    expect(heartbeatInterval({ op: GatewayOp.HELLO, d: { heartbeat_interval: 0 } })).toBe(45_000)
    expect(heartbeatInterval({ op: GatewayOp.HELLO })).toBe(45_000)
  })

  it('GIVEN beats on the interval THEN each carries the last seq (null before any) and the ACK gives the latency', async () => {
    const beat = heartbeat()
    beat.start(1_000)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(sent).toEqual([{ op: GatewayOp.HEARTBEAT, d: null }])
    await vi.advanceTimersByTimeAsync(40)
    beat.acked()
    expect(beat.latencyMs).toBe(40)
    seq = 17
    await vi.advanceTimersByTimeAsync(960)
    expect(sent[1]).toEqual({ op: GatewayOp.HEARTBEAT, d: 17 })
    expect(zombie).not.toHaveBeenCalled()
  })

  it('GIVEN no ACK and nothing read since the last beat THEN the connection is a zombie and no beat is sent', async () => {
    const beat = heartbeat()
    beat.start(1_000)
    await vi.advanceTimersByTimeAsync(2_000)
    expect(zombie).toHaveBeenCalledTimes(1)
    expect(sent).toHaveLength(1)
  })

  it('GIVEN no ACK but frames still arriving THEN the connection is alive (its ACK is behind them)', async () => {
    const beat = heartbeat()
    beat.start(1_000)
    await vi.advanceTimersByTimeAsync(1_000)
    beat.frameRead()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(zombie).not.toHaveBeenCalled()
    expect(sent).toHaveLength(2)
  })

  it('GIVEN the socket was not read at some point since the beat THEN a missing ACK is not taken for a zombie', async () => {
    const beat = heartbeat()
    beat.start(1_000)
    await vi.advanceTimersByTimeAsync(1_000)
    beat.readingStopped()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(zombie).not.toHaveBeenCalled()
    // Reading again and still silent a whole interval later: now it is one.
    await vi.advanceTimersByTimeAsync(1_000)
    expect(zombie).toHaveBeenCalledTimes(1)
  })

  it('GIVEN the server asks for a beat (op 1) THEN one goes at once; stop() ends the interval', async () => {
    const beat = heartbeat()
    beat.start(1_000)
    beat.beat()
    expect(sent).toHaveLength(1)
    beat.stop()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(sent).toHaveLength(1)
    expect(zombie).not.toHaveBeenCalled()
  })
})
