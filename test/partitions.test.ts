import { randomBytes } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import {
  c2cMessage,
  groupAtMessage,
  startFakePlatform,
  type FakePlatform,
  type SentMessage,
} from '@qqbot/fake-platform'
import { createRedisIngress } from '@qqbot/redis'
import { createNatsIngress, removeNamespace as removeNatsNamespace } from '@qqbot/nats'
import { connect } from '@nats-io/transport-node'
import { useProcessGroup, type BotProcess } from './support/process-group.js'
import { ensureBuilt } from './support/ensure-built.js'
import { until } from './support/until.js'
import { removeNamespace } from '../packages/redis/src/test-redis.js'

// Real Redis (no mocks): the URL comes from the environment, as in production.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const PARTITIONS = 16
/** Users per test, over either broker. */
const USERS_OF: Record<Broker, number> = { redis: 200, nats: 200 }
const COMMANDS_PER_USER = 10

const group = useProcessGroup()

beforeAll(() => ensureBuilt(['packages/core', 'packages/redis', 'packages/nats', 'packages/framework']))

type Broker = 'redis' | 'nats'

/** A fake platform and a partitioned ingress (Redis or NATS) in this process; workers are started by each test. */
async function startSplit(broker: Broker): Promise<{ p: FakePlatform; env: Record<string, string> }> {
  const p = await startFakePlatform({ heartbeatIntervalMs: 1_000 })
  group.defer(() => p.close())
  const namespace = `test_${randomBytes(4).toString('hex')}`
  const common = {
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    intents: ['GROUP_AND_C2C_EVENT' as const],
    namespace,
    partitions: PARTITIONS,
    logLevel: 'silent' as const,
    gateway: { identifyIntervalMs: 0 },
  }
  if (broker === 'redis') {
    const redis = new Redis(REDIS_URL)
    const ingress = createRedisIngress({ ...common, redis })
    await ingress.start()
    group.defer(async () => {
      await ingress.stop()
      await removeNamespace(redis, namespace)
      await redis.quit()
    })
  } else {
    const nats = await connect({ servers: NATS_URL })
    const ingress = createNatsIngress({ ...common, nats })
    await ingress.start()
    group.defer(async () => {
      await ingress.stop()
      await removeNatsNamespace(nats, namespace)
      await nats.close()
    })
  }
  const env = {
    BROKER: broker,
    // Leases well above the stalls of a loaded 2-core machine (seconds, more with the NATS client's CPU cost): a
    // stall past the lease moves a partition with events under way, which then run twice.
    LEASE_TTL_MS: broker === 'nats' ? '10000' : '5000',
    REDIS_URL,
    NATS_URL,
    NAMESPACE: namespace,
    APP_ID: p.appId,
    APP_SECRET: p.secret,
    API_URL: p.url,
    PARTITIONS: String(PARTITIONS),
  }
  return { p, env }
}

function startWorkers(names: string[], env: Record<string, string>): BotProcess[] {
  return names.map((name) => group.start(name, env, 'partitioned'))
}

/**
 * Waits until `workers` together hold every partition, none twice, with counts at most one apart (6, 5, 5).
 * `settled`: each at its own share, the workers by name, the first `PARTITIONS % workers` one more than the rest,
 * so that no partition moves any more: a worker still above its share hands one back at its next round, and a
 * partition handed back in the middle of conversations waits for them (stopDrainMs, 30 s) as their answers are
 * no longer read.
 */
async function partitionsSpread(
  workers: BotProcess[],
  { timeoutMs = 30_000, settled = false }: { timeoutMs?: number; settled?: boolean } = {},
): Promise<void> {
  const byName = [...workers].sort((a, b) => (a.name < b.name ? -1 : 1))
  const share = (rank: number) => Math.floor(PARTITIONS / workers.length) + (rank < PARTITIONS % workers.length ? 1 : 0)
  const counts = () => workers.map((worker) => worker.partitions.length)
  await until(
    () =>
      workers.every((worker) => worker.started) &&
      new Set(workers.flatMap((worker) => worker.partitions)).size === PARTITIONS &&
      counts().reduce((sum, count) => sum + count, 0) === PARTITIONS &&
      (settled
        ? byName.every((worker, rank) => worker.partitions.length === share(rank))
        : Math.max(...counts()) - Math.min(...counts()) <= 1),
    timeoutMs,
    'the partitions to be spread evenly over the workers',
  )
}

/**
 * `/seq 1` … `/seq 10` from each of `users` users in ten busy groups, in rounds `pauseMs` apart, so that a test can
 * act in between.
 */
async function sendSequences(
  p: FakePlatform,
  users: number,
  pauseMs = 20,
  between?: (round: number) => void | Promise<void>,
): Promise<Map<string, string>> {
  const sent = new Map<string, string>() // message id → "user n"
  for (let n = 1; n <= COMMANDS_PER_USER; n++) {
    await between?.(n)
    for (let user = 0; user < users; user++) {
      const event = groupAtMessage({ content: `/seq ${n}`, groupOpenid: `g${user % 10}`, memberOpenid: `u${user}` })
      p.dispatch(event.t, event.d)
      sent.set((event.d as { id: string }).id, `u${user} ${n}`)
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
  }
  return sent
}

/**
 * Every message of `sent` answered exactly once, and the replies of each user by number in the order they were
 * sent (replies to other messages, such as a conversation's, are left out).
 */
async function repliesPerUser(p: FakePlatform, sent: Map<string, string>): Promise<Map<string, number[]>> {
  const answering = () => p.sent.filter((message) => sent.has(message.body.msg_id as string))
  await until(
    () => new Set(answering().map((message) => message.body.msg_id as string)).size >= sent.size,
    30_000,
    'a reply to every command',
  )
  const replies = answering()
  const perMessage = new Map<string, number>()
  for (const message of replies)
    perMessage.set(message.body.msg_id as string, (perMessage.get(message.body.msg_id as string) ?? 0) + 1)
  expect([...perMessage].filter(([, count]) => count !== 1)).toEqual([])
  expect([...sent.keys()].filter((id) => !perMessage.has(id))).toEqual([])
  const perUser = new Map<string, number[]>()
  for (const message of replies) {
    const [user, n] = (message.body.content as string).split(' ')
    perUser.set(user!, [...(perUser.get(user!) ?? []), Number(n)])
  }
  return perUser
}

const inOrder = (numbers: number[]) => numbers.every((n, i) => i === 0 || numbers[i - 1]! < n)

describe.each<[string, Broker]>([
  ['a Redis stream', 'redis'],
  ['NATS JetStream', 'nats'],
])('partitions over %s: 1 ingress, worker processes', (_, broker) => {
  it('GIVEN 3 workers, 200 users each sending /seq 1 … /seq 10 back to back in groups and 200 users each in a three-step ctx.prompt() conversation in C2C, all at once THEN every user’s replies come in order, each once, and every conversation completes', async () => {
    const { p, env } = await startSplit(broker)
    const workers = startWorkers(['w1', 'w2', 'w3'], env)
    // Settled: a partition handed back in the middle of conversations would wait for them (see partitionsSpread).
    await partitionsSpread(workers, { settled: true })
    const firstReply = new Map<string, string>()
    const waiting = new Map<string, (content: string) => void>()
    const unsubscribe = p.onSent((message: SentMessage) => {
      const answered = message.body.msg_id as string
      if (firstReply.has(answered)) return
      firstReply.set(answered, message.body.content as string)
      waiting.get(answered)?.(message.body.content as string)
    })
    group.defer(async () => void unsubscribe())
    const replyTo = (id: string) =>
      firstReply.has(id)
        ? Promise.resolve(firstReply.get(id)!)
        : new Promise<string>((resolve) => waiting.set(id, resolve))
    const converse = async (user: number): Promise<string[]> => {
      const transcript: string[] = []
      for (const text of ['/order', 'L', '3', 'yes']) {
        const event = c2cMessage({ content: text, userOpenid: `u${user}` })
        p.dispatch(event.t, event.d)
        transcript.push(await replyTo((event.d as { id: string }).id))
      }
      return transcript
    }
    const [sent, transcripts] = await Promise.all([
      sendSequences(p, USERS_OF[broker]),
      Promise.all(Array.from({ length: USERS_OF[broker] }, (_, user) => converse(user))),
    ])
    const perUser = await repliesPerUser(p, sent)
    expect(perUser.size).toBe(USERS_OF[broker])
    expect([...perUser].filter(([, numbers]) => !inOrder(numbers)).map(([user]) => user)).toEqual([])
    const expected = ['Which size?', 'How many?', '3 × L, confirm?', 'ordered 3 × L']
    expect(transcripts.filter((transcript) => transcript.join('|') !== expected.join('|'))).toEqual([])
    for (const worker of workers) expect(worker.handled.length).toBeGreaterThan(0)
  }, 60_000)

  it('GIVEN 3 workers WHEN one is killed with kill -9 mid-run THEN its partitions move, no command is lost or answered twice, and order breaks only for commands it had started', async () => {
    const { p, env } = await startSplit(broker)
    const workers = startWorkers(['w1', 'w2', 'w3'], env)
    await partitionsSpread(workers)
    const victim = workers[0]!
    const sent = await sendSequences(p, USERS_OF[broker], 200, (round) => {
      if (round === 4) victim.child.kill('SIGKILL')
    })
    const perUser = await repliesPerUser(p, sent)
    expect(victim.handled.length).toBeGreaterThan(0)
    const startedByVictim = new Set(victim.handled.map((id) => sent.get(id)))
    const outOfOrder = [...perUser].filter(
      ([user, numbers]) => !inOrder(numbers.filter((n) => !startedByVictim.has(`${user} ${n}`))),
    )
    expect(outOfOrder).toEqual([])
    const survivors = workers.slice(1)
    await partitionsSpread(survivors)
  }, 60_000)

  it('GIVEN 2 workers WHEN a third joins mid-run THEN partitions move to it one at a time, after draining: nothing lost, nothing twice, every user’s replies in order', async () => {
    const { p, env } = await startSplit(broker)
    const first = startWorkers(['w1', 'w2'], env)
    await partitionsSpread(first)
    let joining: BotProcess | undefined
    const sent = await sendSequences(p, USERS_OF[broker], 300, async (round) => {
      if (round === 2) [joining] = startWorkers(['w3'], env)
      // The rest is sent while partitions move (a process starts in seconds on a loaded machine).
      if (round === 3) await until(() => joining!.partitions.length > 0, 20_000, 'the new worker to take a partition')
    })
    // Each moves after its worker finished what it had read: under a burst on a loaded machine, seconds each.
    await partitionsSpread([...first, joining!], { timeoutMs: 40_000 })
    const perUser = await repliesPerUser(p, sent)
    expect([...perUser].filter(([, numbers]) => !inOrder(numbers)).map(([user]) => user)).toEqual([])
    expect(joining!.handled.length).toBeGreaterThan(0)
  }, 60_000)
})
