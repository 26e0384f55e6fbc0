import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { Redis } from 'ioredis'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { createRedisIngress } from '@qqbot/redis'
import { useProcessGroup, type BotProcess } from './support/process-group.js'
import { ensureBuilt } from './support/ensure-built.js'
import { SENTINEL_MASTER_NAME, startRedisSentinel, type RedisSentinelSetup } from './support/redis-sentinel.js'
import { until } from './support/until.js'

// Each test runs a master, a replica and a sentinel of its own (never the shared Redis on 6379), and kills the
// master with SIGKILL in the middle of a burst: the sentinel promotes the replica, and the bot processes,
// connected through the sentinel, follow it.
const SHARDS = 6
const BURST = 1_200

const group = useProcessGroup()

beforeAll(() => ensureBuilt(['packages/core', 'packages/redis']))

/** A master, a replica and a sentinel of the test's own, stopped after it. */
async function startSentinelSetup(): Promise<RedisSentinelSetup> {
  const setup = await startRedisSentinel()
  group.defer(() => setup.close())
  return setup
}

function counts(ids: Iterable<string>): Map<string, number> {
  const map = new Map<string, number>()
  for (const id of ids) map.set(id, (map.get(id) ?? 0) + 1)
  return map
}

/**
 * Sends `count` group messages from 64 members in batches of 100 (round robin over the shards when given); a
 * third of the way in the master is killed, and the rest is sent while the sentinel fails over. Resolves with
 * the ids, those sent before the master died, and how long the failover took.
 */
async function burstAcrossFailover(setup: RedisSentinelSetup, p: FakePlatform, count: number, shardCount?: number) {
  const ids: string[] = []
  let failover: Promise<number> | undefined
  let beforeKill: string[] = []
  for (let i = 0; i < count; i++) {
    if (i === Math.floor(count / 3)) {
      failover = (await setup.killMaster()).failover
      beforeKill = [...ids]
    }
    const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `member-${i % 64}` })
    p.dispatch(event.t, event.d, shardCount ? { shard: i % shardCount, shardCount } : undefined)
    ids.push((event.d as { id: string }).id)
    if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { ids, beforeKill, failoverMs: await failover! }
}

function outcome(p: FakePlatform, ids: string[], bots: BotProcess[]) {
  const replies = counts(p.sent.map((message) => message.body.msg_id as string))
  const handled = counts(bots.flatMap((bot) => bot.handled))
  return {
    lost: ids.filter((id) => !replies.has(id)).length,
    duplicateReplies: [...replies.values()].filter((count) => count > 1).length,
    handlerReruns: [...handled.values()].filter((count) => count > 1).length,
  }
}

describe('scale-out through a Redis Sentinel failover', () => {
  it(`GIVEN ${SHARDS} shards over 3 processes connected through Sentinel WHEN the master is killed during a ${BURST}-event burst and the replica promoted THEN every shard keeps running: 0 lost, 0 duplicate replies`, async () => {
    const setup = await startSentinelSetup()
    const p = await startFakePlatform({ heartbeatIntervalMs: 1_000, recommendedShards: SHARDS })
    group.defer(() => p.close())
    const env = {
      REDIS_SENTINELS: setup.sentinels,
      REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME,
      NAMESPACE: `test-${randomBytes(4).toString('hex')}`,
      APP_ID: p.appId,
      APP_SECRET: p.secret,
      API_URL: p.url,
      SHARDS: String(SHARDS),
      REPLY: '1',
      LOG_LEVEL: 'info',
    }
    const processes = ['a', 'b', 'c'].map((name) => group.start(name, env))
    onTestFailed(() =>
      processes.forEach((bot) => console.error(`log of ${bot.name}:\n${bot.logLines.slice(-100).join('\n')}`)),
    )
    await p.waitForReady(SHARDS, 30_000)
    await until(() => processes.every((bot) => bot.shards.length === 2), 20_000, 'two shards per process')
    const before = processes.map((bot) => [...bot.shards])

    const { ids, failoverMs } = await burstAcrossFailover(setup, p, BURST, SHARDS)
    const answered = () => new Set(p.sent.map((message) => message.body.msg_id as string))
    await until(() => ids.every((id) => answered().has(id)), 30_000, 'an answer to every event')
    const result = outcome(p, ids, processes)
    const moved = processes.filter((bot, i) => bot.shards.join() !== before[i]!.join()).length
    console.info(
      `Sentinel failover (master killed) during a ${BURST}-event burst over ${SHARDS} shards: failover ${failoverMs} ms, ${JSON.stringify(result)}, identifies ${p.gatewayStats.identifies} (of ${SHARDS}), processes whose shards changed ${moved}`,
    )
    expect({ lost: result.lost, duplicateReplies: result.duplicateReplies }).toEqual({ lost: 0, duplicateReplies: 0 })
  }, 90_000)

  it(`GIVEN an ingress and 2 workers connected through Sentinel WHEN the master is killed during a ${BURST}-event burst THEN every event is answered at most once, and only an entry appended to the old master before its crash can be missing (replication is asynchronous)`, async () => {
    const setup = await startSentinelSetup()
    const p = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
    group.defer(() => p.close())
    const namespace = `test-${randomBytes(4).toString('hex')}`
    const redis = new Redis({
      sentinels: [{ host: '127.0.0.1', port: setup.sentinelPort }],
      name: SENTINEL_MASTER_NAME,
    })
    redis.on('error', () => undefined)
    const ingress = createRedisIngress({
      appId: p.appId,
      secret: p.secret,
      hosts: { api: p.url },
      intents: ['GROUP_AND_C2C_EVENT'],
      redis,
      namespace,
      logLevel: 'silent',
      gateway: { identifyIntervalMs: 0 },
    })
    await ingress.start()
    group.defer(
      () => redis.quit().catch(() => redis.disconnect()),
      () => ingress.stop(),
    )
    const env = {
      REDIS_SENTINELS: setup.sentinels,
      REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME,
      NAMESPACE: namespace,
      APP_ID: p.appId,
      APP_SECRET: p.secret,
      API_URL: p.url,
      CLAIM_IDLE_MS: '2000',
      LOG_LEVEL: 'warn',
    }
    const processes = ['w1', 'w2'].map((name) => group.start(name, env, 'worker'))
    onTestFailed(() =>
      processes.forEach((bot) => console.error(`log of ${bot.name}:\n${bot.logLines.slice(-100).join('\n')}`)),
    )
    await until(() => processes.every((bot) => bot.started), 15_000, 'the workers to start')

    const { ids, beforeKill, failoverMs } = await burstAcrossFailover(setup, p, BURST)
    const answered = () => new Set(p.sent.map((message) => message.body.msg_id as string))
    // What reached the ingress after the crash waited there and was appended to the new master: all answered.
    const afterKill = ids.slice(beforeKill.length)
    await until(
      () => afterKill.every((id) => answered().has(id)),
      40_000,
      'an answer to every event sent after the kill',
    )
    await until(() => ids.every((id) => answered().has(id)), 3_000, 'the rest').catch(() => undefined)
    const result = outcome(p, ids, processes)
    const lostBeforeKill = beforeKill.filter((id) => !answered().has(id)).length
    console.info(
      `stream, Sentinel failover (master killed) during a ${BURST}-event burst: failover ${failoverMs} ms, ${JSON.stringify({ ...result, lostBeforeKill })}`,
    )
    // An entry the old master acknowledged but had not sent to the replica yet is gone with it (measured: none).
    expect(result.lost).toBe(lostBeforeKill)
    expect(result.duplicateReplies).toBe(0)
  }, 90_000)
})
