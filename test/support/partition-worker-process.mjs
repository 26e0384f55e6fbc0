// One worker process of the partition tests (test/partitions.test.ts): a framework bot reading the partitioned
// Redis stream (or, with BROKER=nats, the partitioned JetStream subjects), with /seq n (answers "<user> <n>" after a delay drawn from the user and n) and /order (a
// three-step ctx.prompt() conversation). Reports {type:'handled', id} when a command starts, and the
// partitions it holds ({partitions}) whenever they change. Runs from the built packages (dist). Decorators are
// applied by hand: plain JavaScript has none of TypeScript's.
import { z } from 'zod'
import { Redis } from 'ioredis'
import { Arg, Command, Controller, createBot } from '@qqbot/framework'
import { RedisStreamSource } from '@qqbot/redis'

const env = process.env
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)
const maxDelayMs = Number(env.HANDLER_MAX_DELAY_MS ?? 30)

/** 0 … maxDelayMs, the same for a user's nth command in every run and process. */
function delayFor(user, n) {
  let hash = 7
  for (const char of `${user}:${n}`) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % (maxDelayMs + 1)
}

class Sequence {
  async seq(n, ctx) {
    report({ type: 'handled', id: ctx.event.data.id })
    await new Promise((resolve) => setTimeout(resolve, delayFor(ctx.userId, n)))
    return `${ctx.userId} ${n}`
  }

  async order(ctx) {
    report({ type: 'handled', id: ctx.event.data.id })
    const size = await ctx.prompt('Which size?')
    const count = await ctx.prompt('How many?')
    const confirm = await ctx.prompt(`${count} × ${size}, confirm?`)
    return confirm === 'yes' ? `ordered ${count} × ${size}` : 'not ordered'
  }
}
const method = (name) => Object.getOwnPropertyDescriptor(Sequence.prototype, name)
Arg('n', z.coerce.number().int())(Sequence.prototype, 'seq', 0)
Command('seq')(Sequence.prototype, 'seq', method('seq'))
Command('order')(Sequence.prototype, 'order', method('order'))
Controller()(Sequence)

/** The partitioned source of BROKER (redis, the default, or nats), and how to close its connection. */
async function partitionedSource() {
  const common = {
    namespace: env.NAMESPACE,
    workerName: env.MEMBER,
    partitions: Number(env.PARTITIONS),
    claimIdleMs: Number(env.CLAIM_IDLE_MS ?? 2_000),
    leaseTtlMs: Number(env.LEASE_TTL_MS ?? 2_000),
  }
  if (env.BROKER === 'nats') {
    const { connect } = await import('@nats-io/transport-node')
    const { NatsStreamSource } = await import('@qqbot/nats')
    const nats = await connect({ servers: env.NATS_URL ?? 'nats://127.0.0.1:4222' })
    return { source: new NatsStreamSource({ ...common, nats, blockMs: 1_000 }), close: () => nats.close() }
  }
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  return { source: new RedisStreamSource({ ...common, redis, blockMs: 200 }), close: () => redis.quit() }
}

const { source, close } = await partitionedSource()
const bot = createBot({
  appId: env.APP_ID,
  secret: env.APP_SECRET,
  hosts: { api: env.API_URL },
  controllers: [Sequence],
  locale: 'en',
  source,
  logLevel: env.LOG_LEVEL ?? 'silent',
})
let reported = ''
const reportPartitions = () => {
  const now = source.partitions.join()
  if (now !== reported) report({ partitions: source.partitions })
  reported = now
}
setInterval(reportPartitions, 100).unref()
await bot.start()
reportPartitions()
report({ type: 'started' })
process.on('SIGTERM', async () => {
  await bot.stop()
  await close()
  process.exit(0)
})
