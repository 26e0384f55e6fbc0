import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { GatewayProtocol, type GatewayProtocolOptions } from './gateway-protocol.js'
import { StubSocket, stubContext } from './test-stub-socket.js'

const TOKEN = 'valid-token'

function setup(overrides: Partial<GatewayProtocolOptions> = {}) {
  const { context, frames } = stubContext()
  const options: GatewayProtocolOptions = {
    heartbeatIntervalMs: 1234,
    allowedIntents: -1,
    botUser: { id: 'bot-1', username: 'bot' },
    sessionStartLimit: { total: 10, remaining: 1, reset_after: 0, max_concurrency: 1 },
    isValidToken: (token) => token === TOKEN,
    ...overrides,
  }
  const protocol = new GatewayProtocol(options, context)
  const open = (): StubSocket => {
    const ws = new StubSocket()
    protocol.accept(ws.ws, {} as Socket)
    return ws
  }
  return { protocol, context, frames, options, open }
}

const identify = (shard: [number, number] = [0, 1]) => ({
  op: 2,
  d: { token: `QQBot ${TOKEN}`, intents: 1, shard },
})

describe('GatewayProtocol', () => {
  it('GIVEN a new socket THEN it is counted and gets Hello with the heartbeat interval', () => {
    const { context, open } = setup()
    const ws = open()
    expect(ws.payloads()).toEqual([{ op: 10, d: { heartbeat_interval: 1234 } }])
    expect(context.stats.connections).toBe(1)
  })

  it('GIVEN identify THEN READY at seq 1 names the session and the start limit goes down, never below 0', () => {
    const { context, options, open } = setup()
    const ws = open()
    ws.receive(identify())
    const ready = ws.payloads()[1] as { s: number; t: string; d: { session_id: string; shard: number[] } }
    expect(ready).toMatchObject({ op: 0, s: 1, t: 'READY', d: { shard: [0, 1], user: { id: 'bot-1', bot: true } } })
    expect(context.slots.resumable(ready.d.session_id)).toBeDefined()
    expect(options.sessionStartLimit.remaining).toBe(0)
    open().receive(identify())
    expect(options.sessionStartLimit.remaining).toBe(0)
    expect(context.stats.identifies).toBe(2)
  })

  it('GIVEN a second identify on a socket that has a session THEN it is closed with 4002', () => {
    const { open } = setup()
    const ws = open()
    ws.receive(identify())
    ws.receive(identify())
    expect(ws.closedWith).toEqual([4002, 'invalid payload'])
  })

  it('GIVEN heartbeats THEN each is counted and ACKed, and the bound slot keeps the last d', () => {
    const { protocol, context, open } = setup()
    const ws = open()
    ws.receive({ op: 1, d: null })
    ws.receive(identify())
    ws.receive({ op: 1, d: 1 })
    protocol.setHeartbeatAck(false)
    ws.receive({ op: 1, d: 'not a number' })
    expect(ws.payloads().filter((p) => (p as { op: number }).op === 11)).toHaveLength(2)
    expect(context.stats.heartbeats).toBe(3)
    expect(context.slots.find(0)?.lastHeartbeat).toBeNull()
  })

  it('GIVEN failResumes(2, 4900) THEN two resumes are refused with 4900 and the third succeeds', () => {
    const { protocol, context, open } = setup()
    const first = open()
    first.receive(identify())
    const sessionId = (first.payloads()[1] as { d: { session_id: string } }).d.session_id
    first.terminate()
    protocol.failResumes(2, 4900)
    const resume = { op: 6, d: { token: `QQBot ${TOKEN}`, session_id: sessionId, seq: 1 } }
    const codes: Array<number | undefined> = []
    for (let i = 0; i < 3; i++) {
      const ws = open()
      ws.receive(resume)
      codes.push(ws.closedWith?.[0])
      if (i === 2) expect(ws.payloads().at(-1)).toEqual({ op: 0, t: 'RESUMED', d: '' })
    }
    expect(codes).toEqual([4900, 4900, undefined])
    expect(context.stats).toMatchObject({ resumesRefused: 2, resumes: 1 })
  })

  it('GIVEN a resume of an unknown session THEN 4006; of a seq past the log THEN 4007', () => {
    const { open } = setup()
    const first = open()
    first.receive(identify())
    const sessionId = (first.payloads()[1] as { d: { session_id: string } }).d.session_id
    const unknown = open()
    unknown.receive({ op: 6, d: { token: `QQBot ${TOKEN}`, session_id: 'nope', seq: 0 } })
    expect(unknown.closedWith?.[0]).toBe(4006)
    const future = open()
    future.receive({ op: 6, d: { token: `QQBot ${TOKEN}`, session_id: sessionId, seq: 2 } })
    expect(future.closedWith?.[0]).toBe(4007)
  })

  it('GIVEN terminateAll THEN every socket is killed', () => {
    const { protocol, open } = setup()
    const sockets = [open(), open()]
    protocol.terminateAll()
    expect(sockets.map((ws) => ws.terminated)).toEqual([true, true])
  })

  it('GIVEN the client closes with a code THEN it is recorded and the slot is released', () => {
    const { context, open } = setup()
    const ws = open()
    ws.receive(identify())
    ws.emit('close', 4000)
    const dropped = open()
    dropped.emit('close', 1006)
    expect(context.stats.closesReceived).toEqual([4000])
    expect(context.slots.find(0)?.connection).toBeUndefined()
  })
})
