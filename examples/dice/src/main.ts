/** Runs the dice bot against the embedded fake platform and plays a short demo. `--once` exits after it. */
import { startFakePlatform, groupAtMessage } from '@qqbot/fake-platform'
import { createDiceBot } from './dice-bot.js'

const platform = await startFakePlatform({ heartbeatIntervalMs: 30_000 })
const bot = createDiceBot({ appId: platform.appId, secret: platform.secret, hosts: { api: platform.url }, logLevel: 'warn' })
await bot.start()
for (const content of ['/roll 20 --times 3 --sum', '/pick tea, coffee, water', '/help roll']) {
  const before = platform.sent.length
  const event = groupAtMessage({ content })
  platform.dispatch(event.t, event.d)
  await platform.waitForSent(before + 1, 2_000).catch(() => undefined)
  console.log(`user: ${content}\n bot: ${platform.sent.slice(before).map((message) => message.body.content).join(' | ')}`)
}
if (process.argv.includes('--once')) {
  await bot.stop()
  await platform.close()
}
