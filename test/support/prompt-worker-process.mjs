// One worker process of the interrupted-conversation test: a framework bot behind a Redis stream whose
// `/order` asks a question (ctx.prompt), its state (and so its question records) in Redis. Reports
// {type:'started'} on stdout once it reads the stream. Runs from the built packages (dist), as a user's bot does.
import { Redis } from 'ioredis'
import { Command, Controller, createBot } from '@qqbot/framework'
import { RedisStateStorage, RedisStreamSource } from '@qqbot/redis'
import { partitionsFromEnv } from './partitions-from-env.mjs'

const env = process.env
const report = (message) => process.stdout.write(`${JSON.stringify(message)}\n`)

// Plain JavaScript: the decorators applied by hand, as TypeScript would.
class Order {
  async order(ctx) {
    const size = await ctx.prompt('Which size? (S/M/L)', { timeoutMs: 60_000 })
    return `ordered ${size}`
  }
}
Command('order')(Order.prototype, 'order', Object.getOwnPropertyDescriptor(Order.prototype, 'order'))
Controller()(Order)

const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const storage = new RedisStateStorage({ redis, prefix: env.STATE_PREFIX })
const bot = createBot({
  appId: env.APP_ID,
  secret: env.APP_SECRET,
  hosts: { api: env.API_URL },
  controllers: [Order],
  locale: 'en',
  logLevel: env.LOG_LEVEL ?? 'silent',
  state: { storage },
  source: new RedisStreamSource({
    redis,
    namespace: env.NAMESPACE,
    workerName: env.MEMBER,
    claimIdleMs: Number(env.CLAIM_IDLE_MS ?? 30_000),
    partitions: partitionsFromEnv(env),
    ...(env.LEASE_TTL_MS ? { leaseTtlMs: Number(env.LEASE_TTL_MS) } : {}),
    blockMs: 200,
  }),
})
await bot.start()
report({ type: 'started' })
process.on('SIGTERM', async () => {
  await bot.stop()
  await redis.quit()
  process.exit(0)
})
