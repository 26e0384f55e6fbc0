import { describe, expect, it, vi } from 'vitest'
import type { EventSink } from '../pipeline/event-envelope.js'
import { Backpressure } from './backpressure.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'

function setup() {
  let drain: (() => void) | undefined
  const sink: EventSink = {
    push: () => true,
    onDrain: (listener) => {
      drain = listener
      return () => (drain = undefined)
    },
  }
  const socket = { pause: vi.fn(), resume: vi.fn() }
  const handled: GatewayPayload[] = []
  const readingStopped = vi.fn()
  const backpressure = new Backpressure(sink, {
    socket: () => socket,
    handle: (payload) => void handled.push(payload),
    stopping: () => false,
    readingStopped,
  })
  return { backpressure, socket, handled, readingStopped, drain: () => drain?.() }
}

const dispatch = (s: number): GatewayPayload => ({ op: GatewayOp.DISPATCH, t: 'GROUP_AT_MESSAGE_CREATE', s })

describe('Backpressure', () => {
  it('GIVEN the sink has room THEN nothing is held', () => {
    const { backpressure } = setup()
    expect(backpressure.hold(dispatch(1), 100)).toBe(false)
    expect(backpressure.behind).toBe(false)
  })

  it('GIVEN the sink is full THEN dispatches wait, heartbeat traffic does not, and the drain hands them over in order', () => {
    const { backpressure, handled, drain } = setup()
    backpressure.fallBehind()
    expect(backpressure.behind).toBe(true)
    expect(backpressure.hold(dispatch(1), 100)).toBe(true)
    expect(backpressure.hold({ op: GatewayOp.HEARTBEAT_ACK }, 10)).toBe(false)
    expect(backpressure.hold({ op: GatewayOp.HEARTBEAT }, 10)).toBe(false)
    expect(backpressure.hold(dispatch(2), 100)).toBe(true)
    drain()
    expect(handled.map((payload) => payload.s)).toEqual([1, 2])
    expect(backpressure.behind).toBe(false)
    expect(backpressure.hold(dispatch(3), 100)).toBe(false)
  })

  it('GIVEN held frames reach the read-ahead budget THEN the socket is not read until the sink drains', () => {
    const { backpressure, socket, readingStopped, drain } = setup()
    backpressure.fallBehind()
    backpressure.hold(dispatch(1), 256 * 1024)
    expect(socket.pause).not.toHaveBeenCalled()
    backpressure.hold(dispatch(2), 256 * 1024)
    expect(socket.pause).toHaveBeenCalledTimes(1)
    expect(readingStopped).toHaveBeenCalledTimes(1)
    expect(backpressure.readingPaused).toBe(true)
    drain()
    expect(socket.resume).toHaveBeenCalledTimes(1)
    expect(backpressure.readingPaused).toBe(false)
  })

  it('GIVEN the connection is gone THEN the held frames are dropped, not handled (a RESUME replays them)', () => {
    const { backpressure, handled } = setup()
    backpressure.fallBehind()
    backpressure.hold(dispatch(1), 100)
    backpressure.catchUp(true)
    expect(handled).toEqual([])
    expect(backpressure.hold(dispatch(2), 100)).toBe(false)
  })
})
