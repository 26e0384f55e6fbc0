import { afterEach, describe, expect, it, vi } from 'vitest'
import { Metrics } from '../metrics/metrics.js'
import { Handshake } from './handshake.js'
import { LocalIdentifyLimiter } from './identify-limiter.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'

function setup(handshakeTimeoutMs?: number) {
  const tokens = { getToken: vi.fn(async () => 'tok-1'), invalidate: vi.fn() }
  const metrics = new Metrics()
  const handshake = new Handshake({
    shardId: 1,
    shardCount: 2,
    intents: 513,
    tokens,
    limiter: new LocalIdentifyLimiter(1, 0),
    metrics,
    handshakeTimeoutMs,
  })
  const sent: GatewayPayload[] = []
  const transmit = (payload: GatewayPayload) => (sent.push(payload), true)
  return { handshake, tokens, metrics, sent, transmit }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('Handshake', () => {
  it('GIVEN an identify slot THEN IDENTIFY carries the token, intents and shard, uses the slot up and is counted', async () => {
    const { handshake, metrics, sent, transmit } = setup()
    await handshake.takeSlot(new AbortController().signal)
    expect(handshake.holdsSlot).toBe(true)
    await handshake.identify(transmit)
    expect(handshake.holdsSlot).toBe(false)
    expect(sent).toEqual([
      {
        op: GatewayOp.IDENTIFY,
        d: {
          token: 'QQBot tok-1',
          intents: 513,
          shard: [1, 2],
          properties: { $os: process.platform, $browser: 'qqbot', $device: 'qqbot' },
        },
      },
    ])
    expect(metrics.snapshot().counters.gateway_identifies?.['']).toBe(1)
  })

  it('GIVEN a session THEN RESUME carries its id and the seq as it is when the token arrives', async () => {
    const { handshake, sent, transmit } = setup()
    let seq = 5
    const resuming = handshake.resume('s1', () => seq, transmit)
    seq = 6
    await resuming
    expect(sent).toEqual([{ op: GatewayOp.RESUME, d: { token: 'QQBot tok-1', session_id: 's1', seq: 6 } }])
  })

  it('GIVEN 4004 THEN the token sent is invalidated; a handshake whose connection was replaced records nothing', async () => {
    const { handshake, tokens, metrics, transmit } = setup()
    handshake.rejectToken()
    expect(tokens.invalidate).not.toHaveBeenCalled()
    await handshake.identify(() => false)
    handshake.rejectToken()
    expect(tokens.invalidate).not.toHaveBeenCalled()
    expect(metrics.snapshot().counters.gateway_identifies).toBeUndefined()
    await handshake.resume('s1', () => 1, transmit)
    handshake.rejectToken()
    expect(tokens.invalidate).toHaveBeenCalledWith('tok-1')
  })

  it('GIVEN no handshakeTimeoutMs THEN the deadline is 30 s; stopping it in time prevents the expiry', async () => {
    vi.useFakeTimers()
    const { handshake } = setup()
    expect(handshake.timeoutMs).toBe(30_000)
    const expired = vi.fn()
    handshake.startDeadline(expired)
    await vi.advanceTimersByTimeAsync(29_999)
    expect(expired).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(expired).toHaveBeenCalledTimes(1)
    handshake.startDeadline(expired)
    handshake.stopDeadline()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(expired).toHaveBeenCalledTimes(1)
    expect(setup(200).handshake.timeoutMs).toBe(200)
  })

  it('GIVEN the wait for a slot is aborted THEN takeSlot rejects and holds no slot', async () => {
    const limiter = new LocalIdentifyLimiter(1, 60_000)
    await limiter.acquire(0)
    const waiting = new Handshake({
      shardId: 1,
      shardCount: 2,
      intents: 0,
      tokens: { getToken: async () => 't', invalidate: () => undefined },
      limiter,
      metrics: new Metrics(),
    })
    const controller = new AbortController()
    const taking = waiting.takeSlot(controller.signal)
    controller.abort(new Error('stopped'))
    await expect(taking).rejects.toThrow('stopped')
    expect(waiting.holdsSlot).toBe(false)
  })
})
