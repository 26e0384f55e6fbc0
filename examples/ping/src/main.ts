/**
 * `npm start`: runs the ping bot against the embedded fake QQ platform (no account needed),
 * plays a short conversation in every scene and prints what the bot answered.
 * Pass `--once` to exit after the demo.
 */
import { startFakePlatform, guildAtMessage, directMessage, groupAtMessage, c2cMessage } from '@qqbot/fake-platform'
import { createPingBot } from './ping-bot.js'

const platform = await startFakePlatform({ heartbeatIntervalMs: 30_000 })
const bot = createPingBot({
  appId: platform.appId,
  secret: platform.secret,
  hosts: { api: platform.url },
  logLevel: process.env.LOG_LEVEL === undefined ? 'warn' : undefined,
})
await bot.start()
console.log(`qqbot ping example: connected to the fake platform at ${platform.url} (intents ${bot.intents})`)

const script = [
  { scene: 'guild channel', event: guildAtMessage({ content: '/ping' }) },
  { scene: 'guild DM', event: directMessage({ content: '/ping are you there?' }) },
  { scene: 'group', event: groupAtMessage({ content: '/ping 42' }) },
  { scene: 'C2C', event: c2cMessage({ content: '/ping' }) },
  { scene: 'group', event: groupAtMessage({ content: 'not a command' }) },
]
for (const { scene, event } of script) {
  const before = platform.sent.length
  platform.dispatch(event.t, event.d)
  // Wait for the answer (a message that is not a command gets none: give it a moment, then move on).
  await platform.waitForSent(before + 1, 2_000).catch(() => undefined)
  const replies = platform.sent.slice(before).map((message) => message.body.content)
  console.log(`[${scene}] user: ${(event.d as { content: string }).content.trim()}`)
  console.log(`[${scene}]  bot: ${replies.length > 0 ? replies.join(' | ') : '(no reply)'}`)
}

const shutdown = async () => {
  await bot.stop()
  await platform.close()
}
if (process.argv.includes('--once')) {
  await shutdown()
} else {
  console.log('The bot keeps running; press Ctrl+C to stop.')
  process.once('SIGINT', () => void shutdown())
  process.once('SIGTERM', () => void shutdown())
}
