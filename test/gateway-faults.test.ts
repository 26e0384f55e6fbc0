import { afterEach, describe, expect, it } from 'vitest'
import { GatewayFatalError, TokenError, type ShardCoordinator } from '@qqbot/core'
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js'

const BURST = 1_500

let harness: GatewayHarness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

function expectEachHandledOnce(h: GatewayHarness, ids: string[]): void {
  expect(h.handled.size).toBe(ids.length)
  const twice = [...h.handled.values()].filter((count) => count !== 1)
  expect(twice).toEqual([])
}

describe('gateway faults during a burst', () => {
  const resumeFaults: [string, (h: GatewayHarness) => void][] = [
    ['a TCP reset', (h) => h.platform.resetConnection(0)],
    ['a dropped connection without a close frame', (h) => h.platform.dropConnection(0)],
    ['close 4009 (session timed out)', (h) => h.platform.closeConnection(0, 4009)],
    ['close 4008 (payload too fast)', (h) => h.platform.closeConnection(0, 4008)],
    ['close 1011 (server error)', (h) => h.platform.closeConnection(0, 1011)],
    ['op 7 (reconnect requested)', (h) => h.platform.requestReconnect(0)],
    ['close 4004 (token rejected)', (h) => h.platform.closeConnection(0, 4004)],
  ]

  for (const [name, fault] of resumeFaults) {
    it(`GIVEN ${name} mid-burst THEN the bot RESUMEs and handles every event exactly once`, async () => {
      const h = (harness = await startGatewayHarness())
      const ids = await h.burst(BURST, { faultAfter: 500, fault: () => fault(h) })
      await h.waitForHandled(ids)
      expectEachHandledOnce(h, ids)
      expect(h.platform.gatewayStats.identifies).toBe(1)
      expect(h.platform.gatewayStats.resumes).toBeGreaterThanOrEqual(1)
      // Resume replays exactly what was missed: the gateway itself saw no repeats.
      expect(h.client.metrics().counters.events_duplicate).toBeUndefined()
    })
  }

  it('GIVEN heartbeat ACKs stop (a zombie connection) THEN the bot reconnects and resumes without loss', async () => {
    const h = (harness = await startGatewayHarness())
    const ids = await h.burst(BURST, {
      faultAfter: 500,
      fault: async () => {
        h.platform.setHeartbeatAck(false)
        await h.platform.waitForGateway((stats) => stats.resumes >= 1 || stats.connections >= 2, 5_000)
        h.platform.setHeartbeatAck(true)
      },
    })
    await h.waitForHandled(ids)
    expectEachHandledOnce(h, ids)
    expect(h.client.metrics().counters.gateway_zombies).toBeDefined()
    expect(h.platform.gatewayStats.identifies).toBe(1)
  })

  const identifyFaults: [string, (h: GatewayHarness) => void][] = [
    ['close 4006 (session invalid)', (h) => h.platform.closeConnection(0, 4006)],
    ['close 4007 (invalid seq)', (h) => h.platform.closeConnection(0, 4007)],
    ['close 4900 (internal error)', (h) => h.platform.closeConnection(0, 4900)],
    ['op 9 (invalid session)', (h) => h.platform.invalidateSession(0)],
  ]

  for (const [name, fault] of identifyFaults) {
    it(`GIVEN ${name} mid-burst THEN the bot identifies anew and handles every event exactly once`, async () => {
      const h = (harness = await startGatewayHarness())
      const ids = await h.burst(BURST, { faultAfter: 500, fault: () => fault(h) })
      await h.waitForHandled(ids)
      expectEachHandledOnce(h, ids)
      expect(h.platform.gatewayStats.identifies).toBe(2)
    })
  }

  it('GIVEN resume fails three times in a row THEN the bot gives up on the session and identifies anew', async () => {
    const h = (harness = await startGatewayHarness())
    const ids = await h.burst(BURST, {
      faultAfter: 500,
      fault: () => {
        h.platform.failResumes(3)
        h.platform.dropConnection(0)
      },
    })
    await h.waitForHandled(ids)
    expect(h.platform.gatewayStats.resumesRefused).toBe(3)
    expect(h.platform.gatewayStats.identifies).toBe(2)
    // Events the old session had handed to the dropped socket are lost with the session, as on the real
    // platform; every event that did arrive was handled exactly once.
    expect([...h.handled.values()].every((count) => count === 1)).toBe(true)
  })

  it('GIVEN resume fails twice THEN the third attempt still resumes the same session', async () => {
    const h = (harness = await startGatewayHarness())
    const ids = await h.burst(BURST, {
      faultAfter: 500,
      fault: () => {
        h.platform.failResumes(2)
        h.platform.dropConnection(0)
      },
    })
    await h.waitForHandled(ids)
    expectEachHandledOnce(h, ids)
    expect(h.platform.gatewayStats.resumesRefused).toBe(2)
    expect(h.platform.gatewayStats.identifies).toBe(1)
  })

  it('GIVEN one fault after another THEN the bot still loses and repeats nothing', async () => {
    const h = (harness = await startGatewayHarness())
    const faults = [
      () => h.platform.resetConnection(0),
      () => h.platform.requestReconnect(0),
      () => h.platform.closeConnection(0, 4006),
    ]
    const all: string[] = []
    for (const fault of faults) {
      const ids = await h.burst(600, { faultAfter: 200, fault: () => void fault() })
      await h.waitForHandled(ids)
      all.push(...ids)
    }
    expectEachHandledOnce(h, all)
    expect(h.platform.gatewayStats.identifies).toBe(2)
  })
})

describe('gateway protocol details', () => {
  it('GIVEN events were received THEN heartbeats carry the last seq in d', async () => {
    const h = (harness = await startGatewayHarness())
    const ids = await h.burst(10)
    await h.waitForHandled(ids)
    const seq = h.platform.shardState(0).lastSeq
    await h.platform.waitForGateway(() => h.platform.shardState(0).lastHeartbeat === seq, 2_000)
    expect(h.client.shards[0]?.seq).toBe(seq)
  })

  it('GIVEN a malformed frame and a payload that does not conform THEN the frame is counted and dropped, the payload counted and delivered, and later events still flow', async () => {
    const h = (harness = await startGatewayHarness())
    h.platform.sendRaw(0, '{this is not json')
    h.platform.sendRaw(0, JSON.stringify({ nope: true }))
    h.platform.dispatch('GROUP_AT_MESSAGE_CREATE', { id: 42, content: null })
    const ids = await h.burst(50)
    await h.waitForHandled(ids)
    expectEachHandledOnce(h, ['42', ...ids])
    const counters = h.client.metrics().counters
    expect(counters.frames_malformed?.['']).toBe(2)
    expect(counters.events_nonconforming?.['event="GROUP_AT_MESSAGE_CREATE",path="id"']).toBe(1)
    expect(counters.events_nonconforming?.['event="GROUP_AT_MESSAGE_CREATE",path="content"']).toBe(1)
    expect(counters.events_dispatched?.['']).toBe(51)
  })

  it('GIVEN the same message delivered twice THEN the handler runs once', async () => {
    const h = (harness = await startGatewayHarness())
    const d = {
      id: 'dup-1',
      content: '/ping',
      timestamp: new Date().toISOString(),
      group_openid: 'g',
      author: { member_openid: 'm' },
    }
    h.platform.dispatch('GROUP_AT_MESSAGE_CREATE', d)
    h.platform.dispatch('GROUP_AT_MESSAGE_CREATE', d)
    const ids = await h.burst(5)
    await h.waitForHandled([...ids, 'dup-1'])
    expect(h.handled.get('dup-1')).toBe(1)
    expect(h.client.metrics().counters.events_duplicate).toBeDefined()
  })

  it('GIVEN a fatal close (4914 bot offline) THEN a typed error is reported, the shard stops, the process lives', async () => {
    const h = (harness = await startGatewayHarness())
    const fatal = new Promise<Error>((resolve) => h.client.onFatal(resolve))
    h.platform.closeConnection(0, 4914)
    const error = await fatal
    expect(error).toBeInstanceOf(GatewayFatalError)
    expect((error as GatewayFatalError).closeCode).toBe(4914)
    expect(error.message).toMatch(/sandbox/)
    expect(h.client.shards[0]?.status).toBe('failed')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(h.platform.gatewayStats.connections).toBe(1)
  })

  it('GIVEN an intent the bot was not granted THEN start() rejects with close 4014 explained', async () => {
    const h = (harness = await startGatewayHarness({ platform: { allowedIntents: 1 << 30 }, start: false }))
    const error = await h.client.start().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GatewayFatalError)
    expect((error as GatewayFatalError).closeCode).toBe(4014)
    expect((error as Error).message).toMatch(/not been granted/)
  })

  for (const shards of [1, 3, 'auto'] as const) {
    it(`GIVEN a wrong AppSecret and shards: ${shards} THEN start() rejects with the TokenError (platform code 100016) that says to check the credentials, without retrying forever`, async () => {
      const h = (harness = await startGatewayHarness({
        client: { secret: 'definitely-not-the-secret', shards },
        start: false,
      }))
      const error = await h.client.start().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TokenError)
      expect(error).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', platformCode: 100016, transient: false })
      expect((error as Error).message).toMatch(/AppID\/AppSecret/)
      expect(h.platform.gatewayStats.connections).toBe(0)
      const requests = h.platform.tokenRequests
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(h.platform.tokenRequests).toBe(requests)
    })
  }

  it('GIVEN stop() THEN the connection closes cleanly and no reconnect follows', async () => {
    const h = (harness = await startGatewayHarness())
    await h.client.stop()
    expect(h.client.shards[0]?.status).toBe('stopped')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(h.platform.shardState(0).connected).toBe(false)
    expect(h.platform.gatewayStats.connections).toBe(1)
    expect(h.platform.gatewayStats.closesReceived).toEqual([1000])
  })
})

describe('backpressure', () => {
  it('GIVEN slow handlers under a burst THEN the queue stays bounded and nothing is dropped', async () => {
    const h = (harness = await startGatewayHarness({
      client: { pipeline: { concurrency: 4, highWaterMark: 100 } },
      handler: () => new Promise((resolve) => setTimeout(resolve, 2)),
    }))
    let maxQueued = 0
    const sampler = setInterval(() => {
      maxQueued = Math.max(maxQueued, h.client.metrics().gauges.pipeline_queued ?? 0)
    }, 5)
    const ids = await h.burst(3_000)
    await h.waitForHandled(ids, 60_000)
    clearInterval(sampler)
    expectEachHandledOnce(h, ids)
    expect(maxQueued).toBeGreaterThanOrEqual(100)
    // Bounded: the high-water mark plus what was already read from the socket when reading paused.
    expect(maxQueued).toBeLessThan(1_000)
  })
})

describe('heartbeats under a backlog', () => {
  it('GIVEN handlers far behind a burst and a short heartbeat THEN ACKs behind the queued dispatches are still read: no zombie reconnect', async () => {
    // The platform runs in this process: a stall of its event loop longer than the interval delays the ACK
    // itself, a zombie by any reading. 250 ms stays above the stalls of a loaded CI machine (50 ms did not).
    const h = (harness = await startGatewayHarness({
      platform: { heartbeatIntervalMs: 250 },
      client: { pipeline: { concurrency: 8, highWaterMark: 1_000 } },
      handler: () => new Promise((resolve) => setTimeout(resolve, 3)),
    }))
    const ids = await h.burst(10_000)
    await h.waitForHandled(ids, 60_000)
    expectEachHandledOnce(h, ids)
    // Many beats went out while the handlers were behind; every one was answered and read in time.
    expect(h.platform.gatewayStats.heartbeats).toBeGreaterThan(10)
    expect(h.client.metrics().counters.gateway_zombies).toBeUndefined()
    expect(h.platform.gatewayStats.connections).toBe(1)
  })

  it('GIVEN handlers stuck behind (the pipeline full) WHEN the connection goes silent (no ACK, no frame) THEN the zombie is noticed all the same, and the events it held are replayed after the RESUME', async () => {
    let release!: () => void
    const stuck = new Promise<void>((resolve) => (release = resolve))
    const h = (harness = await startGatewayHarness({
      client: { pipeline: { concurrency: 1, highWaterMark: 2 } },
      handler: () => stuck,
    }))
    const ids = await h.burst(20)
    await h.platform.waitForGateway((stats) => stats.heartbeats >= 2, 5_000)
    // Reading goes on while the handlers are stuck, so the missing ACK is seen: the shard reconnects.
    h.platform.setHeartbeatAck(false)
    await h.platform.waitForGateway((stats) => stats.resumes >= 1, 5_000)
    h.platform.setHeartbeatAck(true)
    expect(h.client.metrics().counters.gateway_zombies).toBeDefined()
    release()
    await h.waitForHandled(ids)
    expectEachHandledOnce(h, ids)
    expect(h.platform.gatewayStats.identifies).toBe(1)
  })
})

describe('sharding', () => {
  it("GIVEN shards: 'auto' THEN every recommended shard connects and receives its own events", async () => {
    const h = (harness = await startGatewayHarness({ platform: { recommendedShards: 3 }, client: { shards: 'auto' } }))
    expect(h.client.shards.map((shard) => shard.status)).toEqual(['ready', 'ready', 'ready'])
    const ids = [
      ...(await h.burst(100, { shard: 0, shardCount: 3 })),
      ...(await h.burst(100, { shard: 1, shardCount: 3 })),
      ...(await h.burst(100, {
        shard: 2,
        shardCount: 3,
        faultAfter: 50,
        fault: () => void h.platform.resetConnection(2),
      })),
    ]
    await h.waitForHandled(ids)
    expectEachHandledOnce(h, ids)
    expect(h.platform.gatewayStats.identifies).toBe(3)
  })

  it('GIVEN identifies paced slower than the handshake timeout THEN shards wait for their slot before connecting, not inside a socket', async () => {
    const h = (harness = await startGatewayHarness({
      client: {
        shards: 4,
        gateway: { identifyIntervalMs: 150, handshakeTimeoutMs: 200, backoff: { baseMs: 20, maxMs: 200 } },
      },
    }))
    expect(h.client.shards.map((shard) => shard.status)).toEqual(['ready', 'ready', 'ready', 'ready'])
    expect(h.platform.gatewayStats.identifies).toBe(4)
    expect(h.platform.gatewayStats.connections).toBe(4)
  })

  it('GIVEN fewer session starts remaining than shards THEN start() refuses with SessionLimitError', async () => {
    const h = (harness = await startGatewayHarness({
      platform: {
        recommendedShards: 4,
        sessionStartLimit: { total: 1000, remaining: 2, reset_after: 60_000, max_concurrency: 1 },
      },
      client: { shards: 'auto' },
      start: false,
    }))
    await expect(h.client.start()).rejects.toMatchObject({ code: 'GATEWAY_SESSION_LIMIT', remaining: 2 })
    expect(h.platform.gatewayStats.identifies).toBe(0)
  })
})

describe('stored session position', () => {
  it('GIVEN a process stops while handlers still hold events THEN the stored seq covers only finished events, and the next process with that store is replayed the rest', async () => {
    const { MemorySessionStore, createClient } = await import('@qqbot/core')
    const { startFakePlatform, groupAtMessage } = await import('@qqbot/fake-platform')
    const platform = await startFakePlatform({ heartbeatIntervalMs: 100 })
    const sessionStore = new MemorySessionStore()
    const connect = (handler: (id: string, event: { attempt: number; deliveryId: string | undefined }) => unknown) => {
      const client = createClient({
        appId: platform.appId,
        secret: platform.secret,
        hosts: { api: platform.url },
        logLevel: 'silent',
        sessionStore,
        gateway: { identifyIntervalMs: 0, backoff: { baseMs: 20, maxMs: 200 } },
      })
      client.on('GROUP_AT_MESSAGE_CREATE', (event) => handler(event.data.id, event))
      return client
    }
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const firstHandled: string[] = []
    const first = connect((id) => {
      firstHandled.push(id)
      return firstHandled.length > 5 ? held : undefined
    })
    await first.start()
    const ids: string[] = []
    for (let i = 0; i < 10; i++) {
      // ten members: one member's events would wait for each other (pipeline.order), these all start at once
      const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i}` })
      ids.push((event.d as { id: string }).id)
      platform.dispatch(event.t, event.d)
    }
    await expect.poll(() => firstHandled.length).toBe(10)
    const stopping = first.stop()
    await expect.poll(() => platform.shardState(0).connected).toBe(false)

    const secondHandled: string[] = []
    const attempts = new Map<string, { attempt: number; deliveryId: string | undefined }>()
    const second = connect((id, { attempt, deliveryId }) => {
      secondHandled.push(id)
      attempts.set(id, { attempt, deliveryId })
    })
    await second.start()
    await expect.poll(() => secondHandled.length).toBe(5)
    expect(secondHandled).toEqual(ids.slice(5))
    expect(platform.gatewayStats.identifies).toBe(1)
    // The replayed events had reached the first process, which may have started them: attempt 2, and the same
    // delivery id as there. A new event is a first attempt.
    expect(ids.slice(5).map((id) => attempts.get(id))).toEqual(
      ids.slice(5).map((id) => ({ attempt: 2, deliveryId: `m:${id}` })),
    )
    const fresh = groupAtMessage({ content: '/ping fresh' })
    platform.dispatch(fresh.t, fresh.d)
    await expect.poll(() => attempts.get((fresh.d as { id: string }).id)?.attempt).toBe(1)
    release()
    await stopping
    await second.stop()
    await platform.close()
  })

  it('GIVEN a coordinator stops a shard while the gateway is already stopping it THEN its stop waits for the same drain (the lease is not released before the session is saved)', async () => {
    const { createClient } = await import('@qqbot/core')
    const { startFakePlatform, groupAtMessage } = await import('@qqbot/fake-platform')
    type Control = Parameters<ShardCoordinator['join']>[1]
    const platform = await startFakePlatform({ heartbeatIntervalMs: 100 })
    let control!: Control
    const coordinator: ShardCoordinator = {
      join: async (_count, granted) => {
        control = granted
        await granted.start(0, { admit: async () => true })
      },
      leave: async () => undefined,
    }
    const client = createClient({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      shardCoordinator: coordinator,
      gateway: { identifyIntervalMs: 0 },
    })
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let started = false
    client.on('GROUP_AT_MESSAGE_CREATE', () => {
      started = true
      return held
    })
    await client.start()
    const event = groupAtMessage({ content: '/ping slow' })
    platform.dispatch(event.t, event.d)
    await expect.poll(() => started).toBe(true)
    const stopping = client.stop()
    let handedBack = false
    const handBack = control.stop(0, { handoff: true }).then(() => (handedBack = true))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(handedBack).toBe(false)
    release()
    await handBack
    await stopping
    await platform.close()
  })

  it('GIVEN stop() while the shard waits to retry loading its session THEN it never opens a socket afterwards', async () => {
    const { MemorySessionStore, createClient } = await import('@qqbot/core')
    const { startFakePlatform } = await import('@qqbot/fake-platform')
    const platform = await startFakePlatform({ heartbeatIntervalMs: 100 })
    const stored = new MemorySessionStore()
    let loads = 0
    let failing = false
    const sessionStore = {
      load: async (key: string) => {
        loads++
        if (failing) {
          failing = false
          throw new Error('ECONNRESET (store unreachable)')
        }
        return stored.load(key)
      },
      save: (key: string, session: Parameters<typeof stored.save>[1]) => stored.save(key, session),
      clear: (key: string) => stored.clear(key),
    }
    const connect = () =>
      createClient({
        appId: platform.appId,
        secret: platform.secret,
        hosts: { api: platform.url },
        logLevel: 'silent',
        sessionStore,
        gateway: { identifyIntervalMs: 0 },
      })
    // A stored session to resume, as a takeover finds one.
    const first = connect()
    await first.start()
    await first.stop()
    failing = true
    loads = 0
    const client = connect()
    const starting = client.start().catch((error: unknown) => error)
    await expect.poll(() => loads).toBe(1)
    await client.stop()
    expect(await starting).toBeInstanceOf(Error)
    await new Promise((resolve) => setTimeout(resolve, 600))
    expect(platform.gatewayStats.connections).toBe(1)
    expect(client.shards[0]?.status).toBe('stopped')
    await platform.close()
  })

  it('GIVEN the session store fails to load twice (a Redis blip during a takeover) THEN the next process retries and RESUMEs instead of identifying past the stored seq', async () => {
    const { MemorySessionStore, createClient } = await import('@qqbot/core')
    const { startFakePlatform, groupAtMessage } = await import('@qqbot/fake-platform')
    const platform = await startFakePlatform({ heartbeatIntervalMs: 100 })
    const stored = new MemorySessionStore()
    let failuresLeft = 0
    const sessionStore = {
      load: async (key: string) => {
        if (failuresLeft-- > 0) throw new Error('ECONNRESET (store unreachable)')
        return stored.load(key)
      },
      save: (key: string, session: Parameters<typeof stored.save>[1]) => stored.save(key, session),
      clear: (key: string) => stored.clear(key),
    }
    const handled: string[] = []
    const connect = () => {
      const client = createClient({
        appId: platform.appId,
        secret: platform.secret,
        hosts: { api: platform.url },
        logLevel: 'silent',
        sessionStore,
        gateway: { identifyIntervalMs: 0 },
      })
      client.on('GROUP_AT_MESSAGE_CREATE', (event) => void handled.push(event.data.id))
      return client
    }
    const first = connect()
    await first.start()
    await first.stop()
    // Events sent while no process is connected are replayed to whoever RESUMEs the session.
    const event = groupAtMessage({ content: '/ping while away' })
    platform.dispatch(event.t, event.d)
    failuresLeft = 2
    const second = connect()
    await second.start()
    await expect.poll(() => handled).toEqual([(event.d as { id: string }).id])
    expect(failuresLeft).toBeLessThan(0)
    expect(platform.gatewayStats.identifies).toBe(1)
    expect(platform.gatewayStats.resumes).toBe(1)
    await second.stop()
    await platform.close()
  })
})
