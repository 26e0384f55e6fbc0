import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createClient, createLogger, type QQBotClient } from '@qqbot/core'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { ShardCountMismatchError } from './errors.js'
import { compareFences, type Fence } from './fence.js'
import { RedisKeys } from './keys.js'
import { redisScaleOut, type RedisScaleOut } from './scale-out.js'
import { connectRedis, freshNamespace, REDIS_URL, removeFreshNamespaces, startCuttableProxy } from './test-redis.js'
import { until } from '../../../test/support/until.js'

const TTL_MS = 1_500

interface Member {
  client: QQBotClient
  scaleOut: RedisScaleOut
  handled: string[]
  logs: string[]
  close(): Promise<void>
}

let platform: FakePlatform | undefined
const members: Member[] = []
const cleanups: (() => unknown)[] = []

afterEach(async () => {
  await Promise.all(members.splice(0).map((member) => member.close()))
  for (const cleanup of cleanups.splice(0)) await cleanup()
  await platform?.close()
  platform = undefined
})

afterAll(() => removeFreshNamespaces())

function member(
  p: FakePlatform,
  namespace: string,
  shards: number,
  redisUrl = REDIS_URL,
  hold?: () => Promise<void>,
): Member {
  const redis = connectRedis(redisUrl)
  const logs: string[] = []
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(line) } })
  const scaleOut = redisScaleOut({
    redis,
    namespace,
    leaseTtlMs: TTL_MS,
    settleMs: 200,
    identify: { intervalMs: 0 },
    logger,
  })
  const client = createClient({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    shards,
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0, backoff: { baseMs: 20, maxMs: 200 } },
    ...scaleOut,
  })
  const handled: string[] = []
  client.on('GROUP_AT_MESSAGE_CREATE', (event) => {
    handled.push(event.data.id)
    return hold?.()
  })
  const created: Member = {
    client,
    scaleOut,
    handled,
    logs,
    close: async () => {
      await client.stop()
      redis.disconnect()
    },
  }
  members.push(created)
  return created
}

const ownedBy = (list: Member[]) => list.map((m) => m.scaleOut.shardCoordinator.shards)

describe('RedisShardCoordinator', () => {
  it('GIVEN no logger of its own THEN the coordinator logs through the client: at its level, to its destination, with its fields', async () => {
    const p = (platform = await startFakePlatform())
    const redis = connectRedis()
    cleanups.push(() => redis.disconnect())
    const clientLogs = (level: 'info' | 'warn') => {
      const lines: string[] = []
      const client = createClient({
        appId: p.appId,
        secret: p.secret,
        hosts: { api: p.url },
        shards: 1,
        logLevel: level,
        logDestination: { write: (line: string) => void lines.push(line) },
        gateway: { identifyIntervalMs: 0 },
        ...redisScaleOut({ redis, namespace: freshNamespace(), leaseTtlMs: TTL_MS, settleMs: 0 }),
      })
      cleanups.push(() => client.stop())
      return {
        client,
        joined: () => lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'joined the shard group'),
      }
    }
    const atInfo = clientLogs('info')
    const atWarn = clientLogs('warn')
    await Promise.all([atInfo.client.start(), atWarn.client.start()])
    expect(atInfo.joined()).toEqual([expect.objectContaining({ bot: p.appId, component: 'shard-coordinator' })])
    expect(atWarn.joined()).toEqual([])
  })

  it('GIVEN two processes THEN they split the shards; a third joins THEN shards move to it one at a time by RESUME; one leaves THEN the others take its shards without waiting for the lease to lapse', async () => {
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    const [a, b] = [member(p, namespace, 4), member(p, namespace, 4)]
    await Promise.all([a.client.start(), b.client.start()])
    await until(
      () => ownedBy([a, b]).flat().length === 4 && a.scaleOut.shardCoordinator.shards.length === 2,
      10_000,
      'a 2/2 split',
    )
    await p.waitForReady(4, 10_000)
    expect(new Set(ownedBy([a, b]).flat()).size).toBe(4)

    const c = member(p, namespace, 4)
    await c.client.start()
    // Shares go by rank of the member ids (random here): 4 shards over 3 processes is 2 + 1 + 1 in some order.
    const balanced = () =>
      ownedBy([a, b, c])
        .map((shards) => shards.length)
        .sort()
        .join() === '1,1,2'
    await until(() => balanced() && ownedBy([a, b, c]).flat().length === 4, 10_000, 'the newcomer to get its share')
    await p.waitForReady(4, 10_000)
    expect(new Set(ownedBy([a, b, c]).flat()).size).toBe(4)
    expect(p.gatewayStats.identifies).toBe(4)

    const closesBefore = p.gatewayStats.closesReceived.length
    const leavingShards = [...b.scaleOut.shardCoordinator.shards]
    const leavingId = b.scaleOut.shardCoordinator.memberId
    members.splice(members.indexOf(b), 1)
    await b.close()
    // Closed for hand-over (4000), not as a normal close (1000) that could end the platform sessions.
    expect(p.gatewayStats.closesReceived.slice(closesBefore)).toEqual(Array<number>(leavingShards.length).fill(4000))
    // Released on leave, not left to lapse: once close() returned, none of its leases names it any more.
    const keys = new RedisKeys(namespace)
    const inspect = connectRedis()
    cleanups.push(() => inspect.disconnect())
    const holders = await inspect.mget(...leavingShards.map((shard) => keys.lease(shard)))
    expect(holders.filter((holder) => holder?.startsWith(`${leavingId}:`))).toEqual([])
    await until(() => ownedBy([a, c]).flat().length === 4, 10_000, 'the others to take the shards of the one that left')
    await p.waitForReady(4, 10_000)
    expect(new Set(ownedBy([a, c]).flat()).size).toBe(4)
    expect(p.gatewayStats.identifies).toBe(4)

    const event = groupAtMessage({ content: '/ping' })
    p.dispatch(event.t, event.d, { shard: 3, shardCount: 4 })
    const id = (event.d as { id: string }).id
    await until(() => [...a.handled, ...c.handled].includes(id), 5_000, 'the event to be handled')
  })

  it('GIVEN a process started with another shard count than the running ones THEN start() fails and says what to do', async () => {
    const p = (platform = await startFakePlatform())
    const namespace = freshNamespace()
    await member(p, namespace, 2).client.start()
    const wrong = member(p, namespace, 3)
    const failure = await wrong.client.start().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ShardCountMismatchError)
    expect((failure as Error).message).toMatch(/already runs 2 shard\(s\).*shards: 2/)
  })

  it('GIVEN Redis goes away longer than the lease THEN the owner keeps running its shard and logs it; when Redis returns THEN it re-asserts the lease and says so', async () => {
    const proxy = await startCuttableProxy(new URL(REDIS_URL))
    cleanups.push(() => proxy.close())
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    const owner = member(p, namespace, 1, proxy.url)
    await owner.client.start()
    expect(owner.scaleOut.shardCoordinator.shards).toEqual([0])

    proxy.cut()
    await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2))
    const during = groupAtMessage({ content: '/ping during' })
    p.dispatch(during.t, during.d)
    await until(
      () => owner.handled.includes((during.d as { id: string }).id),
      5_000,
      'an event handled during the outage',
    )
    expect(owner.logs.join('')).toMatch(/Redis is unreachable/)
    expect(owner.scaleOut.shardCoordinator.shards).toEqual([0])

    proxy.restore()
    await until(() => /Redis is reachable again/.test(owner.logs.join('')), 10_000, 'the recovery log line')
    const watcher = connectRedis()
    cleanups.push(() => watcher.quit())
    await until(() => owner.logs.join('').includes('fenced by its lease again'), 10_000, 'the lease to be re-asserted')
    const holder = await watcher.get(`qqbot:{${namespace}}:lease:0`)
    expect(holder).toMatch(new RegExp(`^${escape(owner.scaleOut.shardCoordinator.memberId)}:\\d+\\.\\d+$`))
    const after = groupAtMessage({ content: '/ping after' })
    p.dispatch(after.t, after.d)
    await until(
      () => owner.handled.includes((after.d as { id: string }).id),
      5_000,
      'an event handled after the outage',
    )
  })

  it('GIVEN a lapsed lease THEN the owner takes it back only when nobody held the shard in between (the fence is the next number); otherwise it restarts the shard from the stored session', async () => {
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    const owner = member(p, namespace, 1)
    await owner.client.start()
    await p.waitForReady(1, 5_000)
    const watcher = connectRedis()
    cleanups.push(() => watcher.quit())
    const lease = `qqbot:{${namespace}}:lease:0`
    const fence = `qqbot:{${namespace}}:fence:0`
    const first = fenceOf(await watcher.get(lease))

    // Lapsed, nobody else: taken again in place, the connection stays.
    await watcher.del(lease)
    await until(() => owner.logs.join('').includes('took it again'), 5_000, 'the lease to be taken again')
    expect(p.gatewayStats.connections).toBe(1)
    expect(fenceOf(await watcher.get(lease))).toEqual({ epoch: first.epoch, counter: 2 })

    // Lapsed, and another process held it meanwhile (counter 3) and let it go: this run is stale.
    await watcher.multi().set(fence, `${first.epoch}:3`).del(lease).exec()
    await until(
      () => owner.logs.join('').includes('another process ran the shard meanwhile'),
      5_000,
      'the stale run to be noticed',
    )
    await until(
      () => p.gatewayStats.connections === 2 && owner.scaleOut.shardCoordinator.shards.length === 1,
      10_000,
      'the shard to start again here',
    )
    await p.waitForReady(1, 5_000)
    expect(p.gatewayStats.resumes).toBe(1)
    expect(p.gatewayStats.identifies).toBe(1)
    // Counter 4 was the stale re-take, given back at once; 5 is the fresh start.
    expect(fenceOf(await watcher.get(lease))).toEqual({ epoch: first.epoch, counter: 5 })
  })

  it('GIVEN Redis loses its data (every key of the bot gone) while the leases are valid THEN the owner keeps its shards on the same connections, re-asserts the leases under newer fences and writes the sessions again', async () => {
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    const owner = member(p, namespace, 2)
    await owner.client.start()
    await p.waitForReady(2, 5_000)
    const watcher = connectRedis()
    cleanups.push(() => watcher.quit())
    const leases = [0, 1].map((shard) => `qqbot:{${namespace}}:lease:${shard}`)
    const sessions = [0, 1].map((shard) => `qqbot:{${namespace}}:session:${p.appId}:${shard}/2`)
    const before = { leases: (await watcher.mget(leases)).map(fenceOf), sessions: await watcher.mget(sessions) }
    expect(before.sessions.every((session) => session !== null)).toBe(true)

    await deleteNamespace(watcher, namespace)
    // The same sessions written again (an owner that gave its shards up would identify anew: other session ids).
    await expect.poll(() => watcher.mget(sessions), { timeout: 5_000 }).toEqual(before.sessions)
    expect(owner.logs.join('')).toContain("Redis lost this bot's keys")
    const after = (await watcher.mget(leases)).map(fenceOf)
    // Monotonic although the counter started again: a newer epoch outranks any number of the old one.
    for (const [shard, fence] of after.entries()) expect(compareFences(fence, before.leases[shard]!)).toBeGreaterThan(0)
    expect(owner.scaleOut.shardCoordinator.shards).toEqual([0, 1])
    expect(p.gatewayStats).toMatchObject({ connections: 2, identifies: 2, resumes: 0 })
    const event = groupAtMessage({ content: '/ping after the loss' })
    p.dispatch(event.t, event.d, { shard: 1, shardCount: 2 })
    await until(() => owner.handled.includes((event.d as { id: string }).id), 5_000, 'an event handled after the loss')
  })

  it('GIVEN Redis lost its data and another process holds the lease now THEN the owner stops the shard but first finishes the events it had queued (nobody can be replayed them)', async () => {
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const owner = member(p, namespace, 1, REDIS_URL, () => held)
    await owner.client.start()
    await p.waitForReady(1, 5_000)
    // 64 handlers run and wait; the rest wait in the queue (from 100 members: one member's events run one at a time).
    const ids = Array.from({ length: 100 }, (_, i) => {
      const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i}` })
      p.dispatch(event.t, event.d)
      return (event.d as { id: string }).id
    })
    await until(() => owner.handled.length === 64, 5_000, 'the first events to start')
    const watcher = connectRedis()
    cleanups.push(() => watcher.quit())

    // Redis comes back empty and another process took the shard before this one re-asserted it.
    await deleteNamespace(watcher, namespace)
    await watcher.set(`qqbot:{${namespace}}:lease:0`, 'intruder:1.1', 'PX', 60_000)
    await until(() => owner.scaleOut.shardCoordinator.shards.length === 0, 5_000, 'the owner to give the shard up')
    release()
    // Each queued event either runs here or is dropped as revoked: wait until all are accounted for.
    const revoked = () =>
      Object.values(owner.client.metrics().counters.events_revoked ?? {}).reduce((sum, n) => sum + n, 0)
    await until(() => owner.handled.length + revoked() === ids.length, 5_000, 'every queued event to run or be dropped')
    expect(revoked()).toBe(0)
    expect(new Set(owner.handled)).toEqual(new Set(ids))
    expect(owner.logs.join('')).toMatch(/Redis no longer holds this run's session.*finishing those events/)
  })

  it('GIVEN a shard being handed back while Redis is unreachable and then comes back empty THEN its lease is kept until the session is stored again, and the next owner RESUMEs it (no identify)', async () => {
    const proxy = await startCuttableProxy(new URL(REDIS_URL))
    cleanups.push(() => proxy.close())
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const first = member(p, namespace, 2, proxy.url, () => held)
    await first.client.start()
    expect(first.scaleOut.shardCoordinator.shards).toEqual([0, 1])
    const event = groupAtMessage({ content: '/ping slow' })
    p.dispatch(event.t, event.d, { shard: 1, shardCount: 2 })
    await until(() => first.handled.length === 1, 5_000, 'the slow event to start')
    const watcher = connectRedis()
    cleanups.push(() => watcher.quit())

    const second = member(p, namespace, 2)
    await second.client.start()
    // Above its share now, the first process hands shard 1 back; stopping it waits for the slow handler.
    await until(() => first.logs.join('').includes('handing a shard back'), 5_000, 'the hand-back to begin')
    proxy.cut()
    await deleteNamespace(watcher, namespace)
    release()
    // The shard closed its connection for the hand-over; its last session write failed (Redis unreachable).
    await until(() => !p.shardState(1, 2).connected, 5_000, 'shard 1 to be closed for the hand-over')
    proxy.restore()
    await until(() => second.scaleOut.shardCoordinator.shards.includes(1), 10_000, 'the second process to take shard 1')
    await p.waitForReady(2, 5_000)
    expect(p.gatewayStats).toMatchObject({ identifies: 2, resumes: 1 })
    expect(first.scaleOut.shardCoordinator.shards).toEqual([0])
    expect(first.logs.join('')).toContain('keeping the lease until the session is stored')
  })

  it('GIVEN a shard handed back while its handlers still run THEN the other leases keep being renewed meanwhile (no shard changes owner but the one handed back)', async () => {
    const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
    const namespace = freshNamespace()
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const first = member(p, namespace, 2, REDIS_URL, () => held)
    await first.client.start()
    expect(first.scaleOut.shardCoordinator.shards).toEqual([0, 1])
    const event = groupAtMessage({ content: '/ping slow' })
    p.dispatch(event.t, event.d, { shard: 1, shardCount: 2 })
    await until(() => first.handled.length === 1, 5_000, 'the slow event to start')

    const second = member(p, namespace, 2)
    const secondEverOwned = new Set<number>()
    await second.client.start()
    const watch = setInterval(
      () => second.scaleOut.shardCoordinator.shards.forEach((shard) => secondEverOwned.add(shard)),
      20,
    )
    try {
      // Shard 1 is being handed back and waits for its handler, longer than a lease lives.
      await new Promise((resolve) => setTimeout(resolve, TTL_MS * 2))
      expect(first.scaleOut.shardCoordinator.shards).toContain(0)
      release()
      await until(
        () => second.scaleOut.shardCoordinator.shards.length === 1,
        10_000,
        'the second process to get its share',
      )
      expect(first.scaleOut.shardCoordinator.shards).toEqual([0])
      second.scaleOut.shardCoordinator.shards.forEach((shard) => secondEverOwned.add(shard))
      expect([...secondEverOwned]).toEqual([1])
    } finally {
      clearInterval(watch)
      release()
    }
  })
})

/** The fence in a lease's value, `<member>:<epoch>.<counter>`. */
function fenceOf(value: string | null): Fence {
  const [epoch, counter] = (value ?? '').slice((value ?? '').lastIndexOf(':') + 1).split('.')
  return { epoch: Number(epoch), counter: Number(counter) }
}

/** What Redis restarting empty looks like to one bot: every key of its namespace gone at once. */
async function deleteNamespace(redis: ReturnType<typeof connectRedis>, namespace: string): Promise<void> {
  const keys = await redis.keys(`qqbot:{${namespace}}:*`)
  if (keys.length > 0) await redis.del(...keys)
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
