import { randomBytes } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import {
  c2cMessage,
  groupAtMessage,
  startFakePlatform,
  type FakePlatform,
  type SentMessage,
} from '@qqbot/fake-platform'
import { createRedisIngress } from '@qqbot/redis'
import { startBotProcess, stopBotProcess, type BotProcess } from './support/process-group.js'
import { ensureBuilt } from './support/ensure-built.js'

// Real Redis (no mocks): the URL comes from the environment, as in production.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const PARTITIONS = 16
const USERS = 200
const COMMANDS_PER_USER = 10

let platform: FakePlatform | undefined
let workers: BotProcess[] = []
const cleanups: (() => Promise<void>)[] = []

beforeAll(() => ensureBuilt(['packages/core', 'packages/redis', 'packages/framework']))

afterEach(async () => {
  await Promise.all(workers.map(stopBotProcess))
  workers = []
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await platform?.close()
  platform = undefined
})

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A fake platform and a partitioned Redis ingress in this process; workers are started by each test. */
async function startSplit(): Promise<{ p: FakePlatform; env: Record<string, string> }> {
  const p = (platform = await startFakePlatform({ heartbeatIntervalMs: 1_000 }))
  const namespace = `test-${randomBytes(4).toString('hex')}`
  const redis = new Redis(REDIS_URL)
  const ingress = createRedisIngress({
    appId: p.appId,
    secret: p.secret,
    hosts: { api: p.url },
    intents: ['GROUP_AND_C2C_EVENT'],
    redis,
    namespace,
    partitions: PARTITIONS,
    logLevel: 'silent',
    gateway: { identifyIntervalMs: 0 },
  })
  await ingress.start()
  cleanups.push(async () => {
    await ingress.stop()
    const keys = await redis.keys(`qqbot:${namespace}:*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  const env = {
    REDIS_URL,
    NAMESPACE: namespace,
    APP_ID: p.appId,
    APP_SECRET: p.secret,
    API_URL: p.url,
    PARTITIONS: String(PARTITIONS),
  }
  return { p, env }
}

function startWorkers(names: string[], env: Record<string, string>): BotProcess[] {
  const started = names.map((name) => startBotProcess(name, env, 'partitioned'))
  workers.push(...started)
  return started
}

/** Waits until `group` together holds every partition, none twice, each worker its fair share (6, 5, 5). */
async function partitionsSpread(group: BotProcess[]): Promise<void> {
  await until(
    () => {
      const counts = group.map((worker) => worker.partitions.length)
      return (
        group.every((worker) => worker.started) &&
        new Set(group.flatMap((worker) => worker.partitions)).size === PARTITIONS &&
        counts.reduce((sum, count) => sum + count, 0) === PARTITIONS &&
        Math.max(...counts) - Math.min(...counts) <= 1
      )
    },
    20_000,
    'the partitions to be spread evenly over the workers',
  )
}

/**
 * `/seq 1` … `/seq 10` from each of 200 users in ten busy groups, in rounds `pauseMs` apart, so that a test can
 * act in between.
 */
async function sendSequences(
  p: FakePlatform,
  pauseMs = 20,
  between?: (round: number) => void,
): Promise<Map<string, string>> {
  const users = new Map<string, string>() // message id → "user n"
  for (let n = 1; n <= COMMANDS_PER_USER; n++) {
    between?.(n)
    for (let user = 0; user < USERS; user++) {
      const event = groupAtMessage({ content: `/seq ${n}`, groupOpenid: `g${user % 10}`, memberOpenid: `u${user}` })
      p.dispatch(event.t, event.d)
      users.set((event.d as { id: string }).id, `u${user} ${n}`)
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
  }
  return users
}

/** Every message answered exactly once, and the replies of each user by number in the order they were sent. */
async function repliesPerUser(p: FakePlatform, sent: Map<string, string>): Promise<Map<string, number[]>> {
  await until(
    () => new Set(p.sent.map((message) => message.body.msg_id as string)).size >= sent.size,
    30_000,
    'a reply to every command',
  )
  const perMessage = new Map<string, number>()
  for (const message of p.sent)
    perMessage.set(message.body.msg_id as string, (perMessage.get(message.body.msg_id as string) ?? 0) + 1)
  expect([...perMessage].filter(([, count]) => count !== 1)).toEqual([])
  expect([...sent.keys()].filter((id) => !perMessage.has(id))).toEqual([])
  const perUser = new Map<string, number[]>()
  for (const message of p.sent) {
    const [user, n] = (message.body.content as string).split(' ')
    perUser.set(user!, [...(perUser.get(user!) ?? []), Number(n)])
  }
  return perUser
}

const inOrder = (numbers: number[]) => numbers.every((n, i) => i === 0 || numbers[i - 1]! < n)

describe('partitions over a Redis stream: 1 ingress, worker processes', () => {
  it('GIVEN 3 workers and 200 users each sending /seq 1 … /seq 10 back to back THEN every user’s replies come in order, each once', async () => {
    const { p, env } = await startSplit()
    const group = startWorkers(['w1', 'w2', 'w3'], env)
    await partitionsSpread(group)
    const sent = await sendSequences(p)
    const perUser = await repliesPerUser(p, sent)
    expect(perUser.size).toBe(USERS)
    expect([...perUser].filter(([, numbers]) => !inOrder(numbers)).map(([user]) => user)).toEqual([])
    for (const worker of group) expect(worker.handled.length).toBeGreaterThan(0)
  }, 60_000)

  it('GIVEN 3 workers and 200 users each in a three-step ctx.prompt() conversation at once THEN every conversation completes', async () => {
    const { p, env } = await startSplit()
    const group = startWorkers(['w1', 'w2', 'w3'], env)
    await partitionsSpread(group)
    const firstReply = new Map<string, string>()
    const waiting = new Map<string, (content: string) => void>()
    const unsubscribe = p.onSent((message: SentMessage) => {
      const answered = message.body.msg_id as string
      if (firstReply.has(answered)) return
      firstReply.set(answered, message.body.content as string)
      waiting.get(answered)?.(message.body.content as string)
    })
    cleanups.push(async () => void unsubscribe())
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
    const transcripts = await Promise.all(Array.from({ length: USERS }, (_, user) => converse(user)))
    const expected = ['Which size?', 'How many?', '3 × L, confirm?', 'ordered 3 × L']
    expect(transcripts.filter((transcript) => transcript.join('|') !== expected.join('|'))).toEqual([])
    for (const worker of group) expect(worker.handled.length).toBeGreaterThan(0)
  }, 60_000)

  it('GIVEN 3 workers WHEN one is killed with kill -9 mid-run THEN its partitions move, no command is lost or answered twice, and order breaks only for commands it had started', async () => {
    const { p, env } = await startSplit()
    const group = startWorkers(['w1', 'w2', 'w3'], env)
    await partitionsSpread(group)
    const victim = group[0]!
    const sent = await sendSequences(p, 200, (round) => {
      if (round === 4) victim.child.kill('SIGKILL')
    })
    const perUser = await repliesPerUser(p, sent)
    expect(victim.handled.length).toBeGreaterThan(0)
    const startedByVictim = new Set(victim.handled.map((id) => sent.get(id)))
    const outOfOrder = [...perUser].filter(
      ([user, numbers]) => !inOrder(numbers.filter((n) => !startedByVictim.has(`${user} ${n}`))),
    )
    expect(outOfOrder).toEqual([])
    const survivors = group.slice(1)
    await partitionsSpread(survivors)
  }, 60_000)

  it('GIVEN 2 workers WHEN a third joins mid-run THEN partitions move to it one at a time, after draining: nothing lost, nothing twice, every user’s replies in order', async () => {
    const { p, env } = await startSplit()
    const first = startWorkers(['w1', 'w2'], env)
    await partitionsSpread(first)
    let joining: BotProcess | undefined
    const sent = await sendSequences(p, 500, (round) => {
      if (round === 2) [joining] = startWorkers(['w3'], env)
    })
    await partitionsSpread([...first, joining!])
    const perUser = await repliesPerUser(p, sent)
    expect([...perUser].filter(([, numbers]) => !inOrder(numbers)).map(([user]) => user)).toEqual([])
    const handled = [...first, joining!].flatMap((worker) => worker.handled)
    expect(handled.length).toBe(new Set(handled).size)
  }, 60_000)
})
