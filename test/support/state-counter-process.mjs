// A worker process of the counter test (test/state-counter.test.ts): opens the storage named by STORAGE, says
// `ready`, waits for a line on stdin (so every worker starts at once), then increments the counter under KEY
// INCREMENTS times with updateState, and reports how many rounds that took (more than INCREMENTS: it lost races).
import { createInterface } from 'node:readline'
import { updateState } from '@qqbot/core'

const { STORAGE, TARGET, NAME, KEY, INCREMENTS } = process.env

async function openStorage() {
  switch (STORAGE) {
    case 'redis':
      return new (await import('@qqbot/redis')).RedisStateStorage({ redis: TARGET, prefix: NAME })
    case 'postgres':
      return new (await import('@qqbot/postgres')).PostgresStateStorage({ connection: TARGET, table: NAME })
    case 'sqlite':
      return new (await import('@qqbot/sqlite')).SqliteStateStorage({ path: TARGET })
    default:
      throw new Error(`Unknown STORAGE "${STORAGE}": use redis, postgres or sqlite.`)
  }
}

const storage = await openStorage()
await storage.read(KEY) // connects (and creates the table) before the race starts
console.log(JSON.stringify({ type: 'ready' }))
await new Promise((resolve) => createInterface({ input: process.stdin }).once('line', resolve))

let rounds = 0
const increment = (current) => {
  rounds++
  return { count: (current?.count ?? 0) + 1 }
}
for (let i = 0; i < Number(INCREMENTS); i++) await updateState(storage, KEY, increment, { maxAttempts: 1_000 })
await storage.close()
console.log(JSON.stringify({ type: 'done', rounds }))
process.exit(0)
