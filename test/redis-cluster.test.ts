import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { Cluster } from 'ioredis'
import { ConfigError, createClient } from '@qqbot/core'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createRedisIngress, RedisKeys, RedisStateStorage, RedisStreamSource } from '@qqbot/redis'
import { useProcessGroup } from './support/process-group.js'
import { ensureBuilt } from './support/ensure-built.js'
import { startRedisCluster, type RedisCluster } from './support/redis-cluster.js'
import { describeStateStorageContract } from './support/state-storage-contract.js'
import { until } from './support/until.js'

// A Redis Cluster of the test's own (3 masters on free ports, started here and stopped in afterAll), with the
// bot processes connected to it through ioredis' Cluster client.
const SHARDS = 6
const BURST = 1_000

let cluster: RedisCluster | undefined
let client: Cluster | undefined
const group = useProcessGroup()

beforeAll(async () => {
  await ensureBuilt(['packages/core', 'packages/redis'])
  cluster = await startRedisCluster(3)
  client = connectCluster()
}, 60_000)

afterAll(async () => {
  await client?.quit().catch(() => client?.disconnect())
  await cluster?.close()
})

function connectCluster(): Cluster {
  const connection = new Cluster(cluster!.ports.map((port) => ({ host: '127.0.0.1', port })))
  connection.on('error', () => undefined)
  return connection
}

const namespace = () => `test-${randomBytes(4).toString('hex')}`

function counts(ids: Iterable<string>): Map<string, number> {
  const map = new Map<string, number>()
  for (const id of ids) map.set(id, (map.get(id) ?? 0) + 1)
  return map
}

/** Sends `count` group messages from 64 members, round robin over the shards, in batches of 100. */
async function burst(p: FakePlatform, count: number, shardCount?: number, midway?: () => void): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    if (i === Math.floor(count / 3)) midway?.()
    const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i % 64}` })
    p.dispatch(event.t, event.d, shardCount ? { shard: i % shardCount, shardCount } : undefined)
    ids.push((event.d as { id: string }).id)
    if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return ids
}

/** Lost events and events answered more than once, by the platform's record of replies. */
function outcome(p: FakePlatform, ids: string[]) {
  const replies = counts(p.sent.map((message) => message.body.msg_id as string))
  return {
    lost: ids.filter((id) => !replies.has(id)).length,
    duplicateReplies: [...replies.values()].filter((count) => count > 1).length,
  }
}

describe('scale-out on a Redis Cluster (3 masters)', () => {
  it('GIVEN a bot on a Cluster THEN every key it uses hashes to one slot, so each script and batch stays on one node', async () => {
    const ns = namespace()
    const keys = new RedisKeys(ns)
    const names = [
      keys.members(),
      keys.shardCount(),
      keys.identifyBucket(0),
      keys.event('m:1'),
      keys.session(`app:0/${SHARDS}`),
      ...Array.from({ length: SHARDS }, (_, shard) => [keys.lease(shard), keys.fence(shard)]).flat(),
      createRedisIngress({ appId: 'app', secret: 's', intents: [], redis: client!, namespace: ns }).stream,
    ]
    const slots = await Promise.all(names.map((name) => client!.cluster('KEYSLOT', name) as Promise<number>))
    expect(new Set(slots).size).toBe(1)
    // …and another bot's keys may live elsewhere: the cluster spreads bots, not one bot's keys.
    expect(await client!.cluster('KEYSLOT', new RedisKeys(`${ns}-other`).members())).not.toBe(slots[0])
  })

  it(`GIVEN ${SHARDS} shards over 3 processes on the Cluster WHEN one process is killed during a ${BURST}-event burst THEN its shards are taken over and resumed: 0 lost, 0 duplicate replies`, async () => {
    const p = await startFakePlatform({ heartbeatIntervalMs: 1_000, recommendedShards: SHARDS })
    group.defer(() => p.close())
    const env = {
      REDIS_CLUSTER: cluster!.nodes,
      NAMESPACE: namespace(),
      APP_ID: p.appId,
      APP_SECRET: p.secret,
      API_URL: p.url,
      SHARDS: String(SHARDS),
      LEASE_TTL_MS: '3000',
      REPLY: '1',
      LOG_LEVEL: 'info',
    }
    const processes = ['a', 'b', 'c'].map((name) => group.start(name, env))
    onTestFailed(() =>
      processes.forEach((bot) => console.error(`log of ${bot.name}:\n${bot.logLines.slice(-100).join('\n')}`)),
    )
    await p.waitForReady(SHARDS, 30_000)
    await until(() => processes.every((bot) => bot.shards.length === 2), 20_000, 'two shards per process')
    const victim = processes[0]!
    const ids = await burst(p, BURST, SHARDS, () => victim.child.kill('SIGKILL'))
    const answered = () => new Set(p.sent.map((message) => message.body.msg_id as string))
    await until(() => ids.every((id) => answered().has(id)), 30_000, 'an answer to every event')
    expect(outcome(p, ids)).toEqual({ lost: 0, duplicateReplies: 0 })
    // The survivors took the victim's shards and RESUMEd their sessions (stored in the Cluster), no new identify.
    // The victim may have answered all of a shard's events before it died: that shard moves once its lease lapses.
    const survivorsShards = () => new Set(processes.slice(1).flatMap((bot) => bot.shards)).size
    await until(() => survivorsShards() === SHARDS, 20_000, 'the survivors to hold every shard')
    expect(
      processes
        .slice(1)
        .flatMap((bot) => bot.shards)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5])
    expect(p.gatewayStats.identifies).toBe(SHARDS)
  }, 60_000)

  it(`GIVEN an ingress and 2 worker processes on the Cluster THEN a ${BURST}-event burst is answered exactly once`, async () => {
    const p = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
    group.defer(() => p.close())
    const ns = namespace()
    const ingress = createRedisIngress({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      intents: ['GROUP_AND_C2C_EVENT'],
      redis: client!,
      namespace: ns,
      logLevel: 'silent',
      gateway: { identifyIntervalMs: 0 },
    })
    await ingress.start()
    group.defer(() => ingress.stop())
    const env = {
      REDIS_CLUSTER: cluster!.nodes,
      NAMESPACE: ns,
      APP_ID: p.appId,
      APP_SECRET: p.secret,
      API_URL: p.url,
      LOG_LEVEL: 'warn',
    }
    const processes = ['w1', 'w2'].map((name) => group.start(name, env, 'worker'))
    onTestFailed(() =>
      processes.forEach((bot) => console.error(`log of ${bot.name}:\n${bot.logLines.slice(-100).join('\n')}`)),
    )
    await until(() => processes.every((bot) => bot.started), 15_000, 'the workers to start')
    const ids = await burst(p, BURST)
    const answered = () => new Set(p.sent.map((message) => message.body.msg_id as string))
    await until(() => ids.every((id) => answered().has(id)), 30_000, 'an answer to every event')
    expect(outcome(p, ids)).toEqual({ lost: 0, duplicateReplies: 0 })
    expect(processes.every((bot) => bot.handled.length > 0)).toBe(true)
    // No warning either: every command, batch and transaction found its keys on one node.
    expect(processes.flatMap((bot) => bot.logLines).slice(0, 3)).toEqual([])
  }, 60_000)

  it('GIVEN a worker on the Cluster with a stream key of its own outside the bot slot THEN it fails at start with CONFIG_INVALID naming the hash tag to use', async () => {
    const p = await startFakePlatform()
    group.defer(() => p.close())
    const ns = namespace()
    const source = new RedisStreamSource({ redis: client!, namespace: ns, stream: `events-of-${ns}` })
    const worker = createClient({ appId: p.appId, secret: p.secret, hosts: { api: p.url }, source, logLevel: 'silent' })
    const started = worker.start()
    await expect(started).rejects.toBeInstanceOf(ConfigError)
    await expect(started).rejects.toThrow(`{${ns}}:events`)
    await client!.del(`events-of-${ns}`)
  })
})

// ctx.state on the Cluster: one key per script, so its keys spread over every master (no hash tag needed).
describeStateStorageContract('RedisStateStorage on a Redis Cluster', () => ({
  storage: new RedisStateStorage({ redis: client!, prefix: `qqbot:state:${namespace()}:` }),
}))
