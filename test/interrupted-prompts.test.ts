import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { groupAtMessage, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import { Arg, Command, CommandContext, Controller, type StateStorage } from '@qqbot/framework'
import { PostgresStateStorage } from '@qqbot/postgres'
import { createRedisIngress, RedisStateStorage } from '@qqbot/redis'
import { SqliteStateStorage } from '@qqbot/sqlite'
import { createIntegrationBot, type IntegrationBot } from '@qqbot/testing'
import { ensureBuilt } from './support/ensure-built.js'
import { startBotProcess, stopBotProcess, type BotProcess } from './support/process-group.js'
import { removeNamespace } from '../packages/redis/src/test-redis.js'

/**
 * Issue #21 §2: a `ctx.prompt()` question is recorded in the bot's state storage, so a bot restarted
 * mid-conversation answers the user's reply with a clear notice instead of silence.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const QUESTION = 'Which size? (S/M/L)'
const NOTICE = 'That conversation was interrupted. Please start again with /order.'
/** Where the question to alice in group g1 is recorded (docs/state.md). */
const RECORD_KEY = 'qqbot/prompt:group:g1:alice'

@Controller()
class Order {
  @Command('order')
  async order(@Arg('timeout', z.coerce.number().default(20_000)) timeout: number, ctx: CommandContext) {
    const size = await ctx.prompt(QUESTION, { timeoutMs: timeout })
    return `ordered ${size}`
  }
}

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function sharedPlatform(): Promise<FakePlatform> {
  const platform = await startFakePlatform()
  cleanups.push(() => platform.close())
  return platform
}

/** A bot process of its own on `platform`: what a restart starts again. `storage` undefined: the default (memory). */
async function startBot(platform: FakePlatform, storage: StateStorage | undefined): Promise<IntegrationBot> {
  const bot = await createIntegrationBot({
    platform,
    controllers: [Order],
    locale: 'en',
    ...(storage ? { state: { storage } } : {}),
  })
  cleanups.push(() => bot.close())
  return bot
}

/** Alice says `text` in group g1 and gets back the reply texts (`expected: 0` waits for silence). */
async function alice(bot: IntegrationBot, text: string, expected?: number): Promise<string[]> {
  const replies = await bot.deliver(groupAtMessage({ content: text, groupOpenid: 'g1', memberOpenid: 'alice' }), {
    expected,
  })
  return replies.map((reply) => reply.body.content as string)
}

function interruptions(bot: IntegrationBot): Record<string, number> {
  return bot.bot.client.metrics().counters.prompts_interrupted ?? {}
}

interface PersistentStorage {
  /** A storage over the same data each call: one per bot process. */
  open(): StateStorage
}

function sqliteFile(): PersistentStorage {
  const dir = mkdtempSync(join(tmpdir(), 'qqbot-prompts-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return {
    open: () => {
      const storage = new SqliteStateStorage({ path: join(dir, 'state.sqlite') })
      cleanups.push(() => storage.close())
      return storage
    },
  }
}

function redisPrefix(): PersistentStorage {
  const prefix = `test-${randomBytes(4).toString('hex')}:state:`
  cleanups.push(async () => {
    const redis = new Redis(REDIS_URL)
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  return {
    open: () => {
      const storage = new RedisStateStorage({ redis: REDIS_URL, prefix })
      cleanups.push(() => storage.close())
      return storage
    },
  }
}

function postgresTable(): PersistentStorage {
  const table = `qqbot_prompts_test_${randomBytes(4).toString('hex')}`
  cleanups.push(async () => {
    const pool = new pg.Pool({ connectionString: POSTGRES_URL })
    await pool.query(`DROP TABLE IF EXISTS "${table}"`)
    await pool.end()
  })
  return {
    open: () => {
      const storage = new PostgresStateStorage({ connection: POSTGRES_URL, table })
      cleanups.push(() => storage.close())
      return storage
    },
  }
}

describe.each([
  ['an SQLite file', sqliteFile],
  ['Redis', redisPrefix],
  ['PostgreSQL', postgresTable],
])('a bot restarted mid-conversation, its state in %s', (_name, persistent) => {
  it('GIVEN a question waiting when the bot restarts THEN the answer gets the notice, exactly once, and /order works again', async () => {
    const platform = await sharedPlatform()
    const storage = persistent()
    const before = await startBot(platform, storage.open())
    expect(await alice(before, '/order')).toEqual([QUESTION])
    await before.close()

    const after = await startBot(platform, storage.open())
    expect(await alice(after, 'M')).toEqual([NOTICE])
    expect(await alice(after, 'L', 0)).toEqual([])
    expect(interruptions(after)).toEqual({ 'outcome="notice"': 1 })
    expect(await alice(after, '/order')).toEqual([QUESTION])
    expect(await alice(after, 'S')).toEqual(['ordered S'])
  })

  it('GIVEN a question waiting when the bot restarts THEN a new command from the user runs as usual, without the notice', async () => {
    const platform = await sharedPlatform()
    const storage = persistent()
    const before = await startBot(platform, storage.open())
    expect(await alice(before, '/order')).toEqual([QUESTION])
    await before.close()

    const after = await startBot(platform, storage.open())
    expect(await alice(after, '/order')).toEqual([QUESTION])
    expect(await alice(after, 'L')).toEqual(['ordered L'])
    expect(interruptions(after)).toEqual({ 'outcome="command"': 1 })
  })

  it('GIVEN a question answered, or cancelled, or timed out THEN no record is left, and a restart changes nothing', async () => {
    const platform = await sharedPlatform()
    const storage = persistent()
    const reader = storage.open()
    const before = await startBot(platform, storage.open())
    expect(await alice(before, '/order')).toEqual([QUESTION])
    expect(await reader.read(RECORD_KEY)).toBeDefined()
    expect(await alice(before, 'M')).toEqual(['ordered M'])
    await expect.poll(() => reader.read(RECORD_KEY)).toBeUndefined()

    expect(await alice(before, '/order')).toEqual([QUESTION])
    expect(await alice(before, 'cancel')).toEqual(['Cancelled.'])
    await expect.poll(() => reader.read(RECORD_KEY)).toBeUndefined()

    expect(await alice(before, '/order 300')).toEqual([QUESTION])
    await platform.waitForSent(platform.sent.length + 1, 5_000)
    expect(platform.sent.at(-1)!.body.content).toBe('No answer in time; cancelled.')
    await expect.poll(() => reader.read(RECORD_KEY)).toBeUndefined()
    await before.close()

    const after = await startBot(platform, storage.open())
    expect(await alice(after, 'M', 0)).toEqual([])
    expect(interruptions(after)).toEqual({})
  })
})

describe('the default memory storage', () => {
  it('GIVEN a conversation THEN it runs as before: answered in the process that asked, nothing kept across a restart', async () => {
    const platform = await sharedPlatform()
    const before = await startBot(platform, undefined)
    expect(await alice(before, 'hello', 0)).toEqual([])
    expect(await alice(before, '/order')).toEqual([QUESTION])
    expect(await alice(before, 'M')).toEqual(['ordered M'])
    expect(await alice(before, '/order')).toEqual([QUESTION])
    await before.close()

    // The memory went with the process: the answer is plain text to the new one, as without records.
    const after = await startBot(platform, undefined)
    expect(await alice(after, 'M', 0)).toEqual([])
    expect(interruptions(after)).toEqual({})
  })
})

describe('an ingress and worker processes over Redis, the asking worker killed with kill -9', () => {
  beforeAll(() => ensureBuilt(['packages/framework', 'packages/redis']))

  async function startWorker(name: string, env: Record<string, string>): Promise<BotProcess> {
    const worker = startBotProcess(name, env, 'prompts')
    cleanups.push(() => stopBotProcess(worker))
    await expect.poll(() => worker.started || worker.stderr.join(''), { timeout: 15_000 }).toBe(true)
    return worker
  }

  /** Alice says `text`; resolves with the texts the bot sent in reply to that very message, once there are `count`. */
  async function aliceSays(platform: FakePlatform, text: string, count = 1): Promise<string[]> {
    const event = groupAtMessage({ content: text, groupOpenid: 'g1', memberOpenid: 'alice' })
    platform.dispatch(event.t, event.d)
    const id = (event.d as { id: string }).id
    const replies = () => platform.sent.filter((message) => message.body.msg_id === id)
    await expect.poll(() => replies().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(count)
    return replies().map((message) => message.body.content as string)
  }

  /** An ingress over Redis and the environment of its worker processes, with or without partitions. */
  async function startSplit(platform: FakePlatform, partitions: boolean): Promise<Record<string, string>> {
    const namespace = `test-${randomBytes(4).toString('hex')}`
    const redis = new Redis(REDIS_URL)
    const ingress = createRedisIngress({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      intents: ['GROUP_AND_C2C_EVENT'],
      redis,
      namespace,
      partitions: partitions ? undefined : false,
      logLevel: 'silent',
    })
    await ingress.start()
    cleanups.push(async () => {
      await ingress.stop()
      await removeNamespace(redis, namespace)
      const state = await redis.keys(`${namespace}:state:*`)
      if (state.length > 0) await redis.del(...state)
      await redis.quit()
    })
    return {
      REDIS_URL,
      NAMESPACE: namespace,
      STATE_PREFIX: `${namespace}:state:`,
      APP_ID: platform.appId,
      APP_SECRET: platform.secret,
      API_URL: platform.url,
      // Without partitions the killed worker's unfinished /order is handed to the survivor once its claim
      // lapses, and asked again there (at-least-once); kept beyond the test, so what the answer meets is only
      // the record. With partitions the dead worker's claims are taken over at once, whatever this says.
      CLAIM_IDLE_MS: '120000',
      // The dead worker's partition leases lapse after this; well above the stalls of a loaded machine.
      ...(partitions ? { LEASE_TTL_MS: '4000' } : { PARTITIONS: 'false' }),
    }
  }

  it('GIVEN the worker that asked killed THEN the answer, at the surviving worker, gets the notice exactly once', async () => {
    const platform = await sharedPlatform()
    const env = await startSplit(platform, false)
    // Deterministic routing without partitions: the asker is the only worker when /order arrives, and the
    // survivor the only one alive when the answer does.
    const asker = await startWorker('asker', env)
    expect(await aliceSays(platform, '/order')).toEqual([QUESTION])
    const survivor = await startWorker('survivor', env)
    asker.child.kill('SIGKILL')
    await asker.exited

    expect(await aliceSays(platform, 'M')).toEqual([NOTICE])
    // Alice's events are handled in order: once /order is answered, 'L' before it was not.
    const plain = groupAtMessage({ content: 'L', groupOpenid: 'g1', memberOpenid: 'alice' })
    platform.dispatch(plain.t, plain.d)
    expect(await aliceSays(platform, '/order')).toEqual([QUESTION])
    expect(platform.sent.filter((message) => message.body.msg_id === (plain.d as { id: string }).id)).toEqual([])
    expect(await aliceSays(platform, 'S')).toEqual(['ordered S'])
    expect(survivor.stderr.join('')).toBe('')
  })

  it('GIVEN partitions (the default) and the worker that asked killed THEN the new owner of its partitions runs /order again and the answer completes the conversation', async () => {
    const platform = await sharedPlatform()
    const env = await startSplit(platform, true)
    const sentBefore = platform.sent.length
    const asker = await startWorker('asker', env)
    expect(await aliceSays(platform, '/order')).toEqual([QUESTION])
    asker.child.kill('SIGKILL')
    await asker.exited
    const survivor = await startWorker('survivor', env)

    // The answer waits in Alice's partition until the survivor holds it (the dead worker's leases lapse first),
    // behind /order, which runs again there: its question repeats the same reply (msg_id and msg_seq), which the
    // platform refuses as a duplicate, so Alice sees it once; then 'M' answers it.
    expect(await aliceSays(platform, 'M')).toEqual(['ordered M'])
    const sent = platform.sent.slice(sentBefore).map((message) => message.body.content)
    expect(sent.filter((content) => content === NOTICE)).toEqual([])
    expect(sent.filter((content) => content === QUESTION)).toHaveLength(1)
    expect(survivor.stderr.join('')).toBe('')
  }, 60_000)
})
