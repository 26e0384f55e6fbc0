/**
 * `npm start` in this folder: the whole split on one machine, against the local chat sandbox's fake
 * platform: 2 ingress processes sharing the shards through Redis, 3 workers reading the stream.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379). `--once` sends a burst, prints who answered, exits.
 */
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { groupAtMessage } from '@qqbot/fake-platform'
import { removeNamespace } from '@qqbot/redis'
import { startSandbox } from '@qqbot/sandbox'
import { startNode, stopNode } from './topology.js'

const once = process.argv.includes('--once')
const shards = 4
// A fresh AppID per run: its Redis keys (leases, stream, done marks) cannot meet an earlier run's, and are
// deleted when the demo stops.
const appId = `1020${randomBytes(4).readUInt32BE() % 100_000_000}`
const sandbox = await startSandbox({ port: once ? 0 : undefined, platform: { appId, recommendedShards: shards } })
const env = {
  QQBOT_APP_ID: appId,
  QQBOT_APP_SECRET: sandbox.connection.secret,
  QQBOT_API_URL: sandbox.connection.hosts.api,
  QQBOT_SHARDS: String(shards),
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  LEASE_TTL_MS: '3000',
  CLAIM_IDLE_MS: '3000',
  // The local fake platform does not pace session starts as QQ does (one per 5 s per bucket): the shards start at once.
  IDENTIFY_INTERVAL_MS: '0',
}
const nodes = [
  ...['ingress-1', 'ingress-2'].map((name) => startNode('ingress', name, env)),
  ...['worker-1', 'worker-2', 'worker-3'].map((name) => startNode('worker', name, env)),
]
const shutdown = async () => {
  await Promise.all(nodes.map(stopNode))
  await sandbox.close()
  await removeDemoKeys()
}

/** Every key of this run's AppID, once its processes stopped. */
async function removeDemoKeys(): Promise<void> {
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 })
  await removeNamespace(redis, appId).catch((error: unknown) =>
    console.error(`Could not remove the demo's keys from Redis: ${(error as Error).message}`),
  )
  redis.disconnect()
}

try {
  await Promise.all(nodes.map((node) => node.started))
  await sandbox.platform.waitForReady(shards, 30_000)
} catch (error) {
  console.error(`The demo could not start: ${(error as Error).message}. Is Redis running at ${env.REDIS_URL}?`)
  await shutdown()
  process.exit(1)
}
console.log(`2 ingress processes run ${shards} shards; 3 workers read the stream.`)

const count = 200
const ids: string[] = []
for (let i = 0; i < count; i++) {
  // From 20 users: one user's messages go to one worker in order (partitions), different users' are shared.
  const event = groupAtMessage({ content: `/ping ${i}`, memberOpenid: `user-${i % 20}` })
  ids.push((event.d as { id: string }).id)
  sandbox.platform.dispatch(event.t, event.d, { shard: i % shards, shardCount: shards })
}
await sandbox.platform.waitForSent(count, 30_000).catch(() => undefined)
const answers = new Map<string, string[]>()
for (const message of sandbox.platform.sent) {
  const list = answers.get(message.body.msg_id as string) ?? []
  list.push(String(message.body.content))
  answers.set(message.body.msg_id as string, list)
}
const exactlyOnce = ids.filter((id) => answers.get(id)?.length === 1).length
const byWorker = new Map<string, number>()
for (const [reply] of answers.values()) {
  const worker = reply?.replace(/^pong from /, '') ?? '?'
  byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1)
}
console.log(`${count} messages over ${shards} shards: ${exactlyOnce} answered exactly once`)
console.log(
  `answered by: ${[...byWorker.entries()]
    .sort()
    .map(([worker, n]) => `${worker} ${n}`)
    .join(', ')}`,
)

if (once) {
  await shutdown()
} else {
  console.log(`Chat with the distributed bot at ${sandbox.url} (Ctrl+C stops every process).`)
  process.once('SIGINT', () => void shutdown().then(() => process.exit(0)))
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(0)))
}
