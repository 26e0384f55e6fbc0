import { describe, expect, it, vi } from 'vitest'
import type { Logger } from 'pino'
import { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope } from '../pipeline/event-envelope.js'
import { MemorySessionStore } from '../session/session-store.js'
import { Backpressure } from './backpressure.js'
import type { GatewaySocket } from './gateway-socket.js'
import { Handshake } from './handshake.js'
import { Heartbeat } from './heartbeat.js'
import { LocalIdentifyLimiter } from './identify-limiter.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'
import { SessionPersister } from './session-persister.js'
import { ShardProtocol } from './shard-protocol.js'

const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() } as unknown as Logger

function setup(options: { sinkFull?: boolean } = {}) {
  const metrics = new Metrics()
  const pushed: EventEnvelope[] = []
  const sink = {
    push: (envelope: EventEnvelope) => (pushed.push(envelope), !options.sinkFull),
    onDrain: () => () => {},
  }
  const sent: GatewayPayload[] = []
  const socket = { send: (payload: GatewayPayload) => void sent.push(payload), drop: vi.fn() }
  const current = () => socket as unknown as GatewaySocket
  const store = new MemorySessionStore()
  const persister = new SessionPersister({
    shardId: 0,
    shardCount: 1,
    sessions: store,
    sessionKey: 'k',
    logger,
    signal: new AbortController().signal,
    stopping: () => false,
  })
  const handshake = new Handshake({
    shardId: 0,
    shardCount: 1,
    intents: 1,
    tokens: { getToken: async () => 'tok', invalidate: () => undefined },
    limiter: new LocalIdentifyLimiter(1, 0),
    metrics,
  })
  const heartbeat = new Heartbeat({
    send: socket.send,
    seq: () => persister.seq,
    readingPaused: () => false,
    zombie: vi.fn(),
  })
  const hooks = {
    socket: current,
    status: vi.fn(),
    identifySlot: vi.fn(async () => {
      await handshake.takeSlot(new AbortController().signal)
      return true
    }),
    handshakeFailed: vi.fn(),
    ready: vi.fn(),
    resumed: vi.fn(),
  }
  let protocol!: ShardProtocol
  const backpressure = new Backpressure(sink, {
    socket: current,
    handle: (payload) => protocol.handle(payload),
    stopping: () => false,
    readingStopped: () => heartbeat.readingStopped(),
  })
  protocol = new ShardProtocol(
    { shardId: 0, shardCount: 1, sink, logger, metrics },
    { heartbeat, handshake, persister, backpressure },
    hooks,
  )
  const read = (payload: unknown) => protocol.read(Buffer.from(JSON.stringify(payload)))
  return { protocol, read, hooks, sent, socket, pushed, persister, store, metrics, backpressure, heartbeat }
}

describe('ShardProtocol', () => {
  it('GIVEN Hello without a session THEN it takes the identify slot and sends IDENTIFY', async () => {
    const { read, hooks, sent, heartbeat } = setup()
    read({ op: GatewayOp.HELLO, d: { heartbeat_interval: 60_000 } })
    await vi.waitFor(() => expect(sent.map((payload) => payload.op)).toEqual([GatewayOp.IDENTIFY]))
    expect(hooks.status).toHaveBeenCalledWith('identifying')
    expect(hooks.identifySlot).toHaveBeenCalledTimes(1)
    heartbeat.stop()
  })

  it('GIVEN READY THEN the session begins at its seq and is stored; then Hello on a new connection RESUMEs it', async () => {
    const { read, hooks, sent, persister, store, heartbeat } = setup()
    read({ op: GatewayOp.DISPATCH, t: 'READY', s: 1, d: { session_id: 's1', user: { id: 'bot' } } })
    expect(hooks.ready).toHaveBeenCalledWith({ id: 'bot' })
    expect(persister.session?.sessionId).toBe('s1')
    expect(store.load('k')).toMatchObject({ sessionId: 's1', seq: 1 })
    read({ op: GatewayOp.HELLO, d: { heartbeat_interval: 60_000 } })
    await vi.waitFor(() =>
      expect(sent).toEqual([{ op: GatewayOp.RESUME, d: { token: 'QQBot tok', session_id: 's1', seq: 1 } }]),
    )
    expect(hooks.status).toHaveBeenCalledWith('resuming')
    read({ op: GatewayOp.DISPATCH, t: 'RESUMED', s: 2 })
    expect(hooks.resumed).toHaveBeenCalledTimes(1)
    heartbeat.stop()
  })

  it('GIVEN READY without a session_id THEN it is counted as malformed and the connection dropped to identify', () => {
    const { read, socket, metrics, hooks } = setup()
    read({ op: GatewayOp.DISPATCH, t: 'READY', s: 1, d: {} })
    expect(socket.drop).toHaveBeenCalledWith('identify')
    expect(hooks.ready).not.toHaveBeenCalled()
    expect(metrics.snapshot().counters.frames_malformed?.['']).toBe(1)
  })

  it('GIVEN a dispatch THEN the sink gets an event whose done() moves the stored seq; a full sink puts the shard behind', async () => {
    const { read, pushed, persister, store, backpressure } = setup({ sinkFull: true })
    read({ op: GatewayOp.DISPATCH, t: 'READY', s: 0, d: { session_id: 's1' } })
    read({ op: GatewayOp.DISPATCH, t: 'GROUP_AT_MESSAGE_CREATE', s: 1, id: 'e1', d: { id: 'm1' } })
    expect(pushed).toMatchObject([
      { name: 'GROUP_AT_MESSAGE_CREATE', id: 'e1', seq: 1, source: 'gateway', shard: [0, 1], attempt: 1 },
    ])
    expect(backpressure.behind).toBe(true)
    expect(persister.seq).toBe(1)
    await persister.save()
    expect(store.load('k')?.seq).toBe(0)
    pushed[0]!.done!()
    await persister.save()
    expect(store.load('k')?.seq).toBe(1)
  })

  it('GIVEN op 7 or op 9 THEN the connection is dropped gracefully to resume, or to identify unless op 9 allows resuming', () => {
    const { read, socket } = setup()
    read({ op: GatewayOp.RECONNECT })
    read({ op: GatewayOp.INVALID_SESSION, d: false })
    read({ op: GatewayOp.INVALID_SESSION, d: true })
    expect(socket.drop.mock.calls).toEqual([
      ['resume', true],
      ['identify', true],
      ['resume', true],
    ])
  })

  it('GIVEN a frame that is not a gateway payload THEN it is counted and ignored', () => {
    const { protocol, metrics, pushed, socket } = setup()
    protocol.read(Buffer.from('{not json'))
    protocol.read(Buffer.from('{"nope":true}'))
    expect(metrics.snapshot().counters.frames_malformed?.['']).toBe(2)
    expect(pushed).toEqual([])
    expect(socket.drop).not.toHaveBeenCalled()
  })
})
