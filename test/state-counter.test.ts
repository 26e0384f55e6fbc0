import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import type { StateStorage } from '@qqbot/core'
import { PostgresStateStorage } from '@qqbot/postgres'
import { RedisStateStorage } from '@qqbot/redis'
import { SqliteStateStorage } from '@qqbot/sqlite'
import { ensureBuilt } from './support/ensure-built.js'

/**
 * Issue #21 §3: three worker processes increment one counter 10,000 times in all through updateState
 * (compare-and-set on the version, retried); the counter must end at exactly 10,000, written 10,000 times, on
 * every storage shared between processes. Each worker runs test/support/state-counter-process.mjs against the
 * built packages, as a bot does.
 */

const WORKER_SCRIPT = fileURLToPath(new URL('./support/state-counter-process.mjs', import.meta.url))
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const WORKERS = 3
const TOTAL = 10_000
const KEY = 'counter'
const RUN_TIMEOUT_MS = 120_000

interface WorkerEnv {
  STORAGE: 'redis' | 'postgres' | 'sqlite'
  /** The Redis URL, the PostgreSQL connection string or the SQLite file. */
  TARGET: string
  /** The Redis key prefix or the PostgreSQL table. */
  NAME: string
}

interface Worker {
  ready: Promise<void>
  done: Promise<number>
  go(): void
  kill(): void
}

function startWorker(env: WorkerEnv, increments: number): Worker {
  const child = spawn(process.execPath, [WORKER_SCRIPT], {
    env: { ...process.env, ...env, KEY, INCREMENTS: String(increments) },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const stderr: string[] = []
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk))
  const lines: { type: string; rounds?: number }[] = []
  let onLine = () => {}
  let buffered = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      lines.push(JSON.parse(buffered.slice(0, newline)) as { type: string; rounds?: number })
      buffered = buffered.slice(newline + 1)
      onLine()
    }
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const failure = (what: string) => new Error(`Counter worker ${what}:\n${stderr.join('')}`)
  const ready = new Promise<void>((resolve, reject) => {
    onLine = () => lines.some((line) => line.type === 'ready') && resolve()
    void exited.then((code) => reject(failure(`exited (code ${code}) before it was ready`)))
  })
  const done = exited.then((code) => {
    const report = lines.find((line) => line.type === 'done')
    if (code !== 0 || report?.rounds === undefined) throw failure(`exited with code ${code}`)
    return report.rounds
  })
  // A failure before `ready` is reported by `ready`; keep `done` from being an unhandled rejection meanwhile.
  done.catch(() => undefined)
  return {
    ready,
    done,
    go: () => child.stdin.write('go\n'),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
  }
}

/** Runs the workers against one storage at once; resolves to the rounds each needed. */
async function runCounter(env: WorkerEnv): Promise<number[]> {
  const shares = Array.from({ length: WORKERS }, (_, i) => Math.floor(TOTAL / WORKERS) + (i < TOTAL % WORKERS ? 1 : 0))
  const workers = shares.map((increments) => startWorker(env, increments))
  try {
    await Promise.all(workers.map((worker) => worker.ready))
    for (const worker of workers) worker.go()
    return await Promise.all(workers.map((worker) => worker.done))
  } finally {
    for (const worker of workers) worker.kill()
  }
}

async function expectCounterAt10000(storage: StateStorage, rounds: number[]): Promise<void> {
  console.info(`update rounds per worker, one more for each race it lost: ${rounds.join(', ')}`)
  expect(rounds.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(TOTAL)
  expect(await storage.read(KEY)).toEqual({ json: JSON.stringify({ count: TOTAL }), version: TOTAL })
}

describe(`${WORKERS} worker processes incrementing one counter ${TOTAL} times in all`, () => {
  beforeAll(() => ensureBuilt(['packages/redis', 'packages/postgres', 'packages/sqlite']), RUN_TIMEOUT_MS)

  it(
    'ends at exactly 10,000 on Redis',
    async () => {
      const prefix = `qqbot:test-${randomBytes(4).toString('hex')}:state:`
      const redis = new Redis(REDIS_URL)
      const storage = new RedisStateStorage({ redis, prefix })
      try {
        await expectCounterAt10000(storage, await runCounter({ STORAGE: 'redis', TARGET: REDIS_URL, NAME: prefix }))
      } finally {
        await redis.del(prefix + KEY)
        await redis.quit()
      }
    },
    RUN_TIMEOUT_MS,
  )

  it(
    'ends at exactly 10,000 on PostgreSQL',
    async () => {
      const table = `qqbot_state_test_${randomBytes(4).toString('hex')}`
      const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 })
      const storage = new PostgresStateStorage({ connection: pool, table })
      try {
        // Commits of the workers do not wait for the disk (synchronous_commit=off): a committed write is visible to
        // every other session at once all the same, so the compare-and-set is tested unchanged, and one hot row
        // is no longer held to one disk flush per increment (about 6 ms each on this machine).
        const target = new URL(POSTGRES_URL)
        target.searchParams.set('options', '-c synchronous_commit=off')
        const rounds = await runCounter({ STORAGE: 'postgres', TARGET: target.href, NAME: table })
        await expectCounterAt10000(storage, rounds)
      } finally {
        await pool.query(`DROP TABLE IF EXISTS "${table}"`)
        await pool.end()
      }
    },
    RUN_TIMEOUT_MS,
  )

  it(
    'ends at exactly 10,000 on SQLite, the three processes sharing one file',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'qqbot-state-counter-'))
      const path = join(dir, 'state.sqlite')
      try {
        const rounds = await runCounter({ STORAGE: 'sqlite', TARGET: path, NAME: '' })
        const storage = new SqliteStateStorage({ path })
        try {
          await expectCounterAt10000(storage, rounds)
        } finally {
          await storage.close()
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    RUN_TIMEOUT_MS,
  )
})
