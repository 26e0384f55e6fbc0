// The same bot on @qqbot/framework: a controller with a /ping command, a zod argument, an injected
// service and ctx.reply(). Plain JS, so the decorators are applied by hand (what TypeScript emits).
import { serveStats } from './ipc.mjs'
import { z } from 'zod'
import { Arg, Command, Controller, Inject, createBot } from '../packages/framework/dist/index.js'

const { QQBOT_URL: url, QQBOT_APP_ID: appId, QQBOT_SECRET: secret } = process.env

class Ping {
  constructor(formatter) {
    this.formatter = formatter
  }
  ping(n, ctx) {
    return ctx.reply(this.formatter.format(n))
  }
}
Arg('n', z.coerce.number().int())(Ping.prototype, 'ping', 0)
Command('ping')(Ping.prototype, 'ping', Object.getOwnPropertyDescriptor(Ping.prototype, 'ping'))
Inject('formatter')(Ping, undefined, 0)
Controller()(Ping)

const bot = createBot({
  appId,
  secret,
  hosts: { api: url },
  logLevel: 'warn',
  // BENCH_ORDER=none measures what per-sender ordering costs.
  ...(process.env.BENCH_ORDER && { pipeline: { order: process.env.BENCH_ORDER } }),
  controllers: [Ping],
  providers: [{ token: 'formatter', useValue: { format: (n) => `pong ${n}` } }],
})
await bot.start()
process.send({ type: 'ready' })

serveStats()
