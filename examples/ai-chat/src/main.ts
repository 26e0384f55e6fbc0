/**
 * `npm start`: the AI chat bot in the local chat sandbox, answering with the offline {@link EchoModel}. Starts
 * the embedded fake QQ platform, connects the bot, asks one question in C2C and one in a group, and serves
 * the chat page on 127.0.0.1 (port QQBOT_SANDBOX_PORT, default 3000). `--once` plays the demo and exits.
 */
import type { Scene } from '@qqbot/framework'
import { SandboxPortInUseError, SandboxPortInvalidError, startSandbox } from '@qqbot/sandbox'
import { createAiChatBot, EchoModel } from './ai-chat-bot.js'

const once = process.argv.includes('--once')
const sandbox = await startSandbox(once ? { port: 0 } : {}).catch((error: unknown) => {
  if (!(error instanceof SandboxPortInUseError || error instanceof SandboxPortInvalidError)) throw error
  console.error(error.message)
  process.exit(1)
})
const bot = createAiChatBot({ ...sandbox.connection, model: new EchoModel(), logLevel: 'warn', locale: 'en' })
await bot.start()
sandbox.watch(bot.client)

const demo: { scene: Scene; text: string }[] = [
  { scene: 'c2c', text: '/ai what is a streamed reply?' },
  { scene: 'group', text: '/ai and in a group?' },
]
for (const { scene, text } of demo) {
  const before = sandbox.platform.sent.length
  sandbox.say({ scene, user: 'bob', text })
  const sent = await sandbox.platform.waitForSent(before + 1, 10_000).catch(() => [])
  const body = sent.at(-1)?.body as { content?: string; content_raw?: string } | undefined
  console.log(`[${scene}] bob: ${text}\n bot: ${body?.content ?? body?.content_raw ?? '(no reply)'}`)
}
const frames = sandbox.platform.streams.streams.map((stream) => stream.frames.length)
console.log(`C2C stream frames: ${frames.join(', ') || 'none'}`)

const shutdown = async () => {
  await bot.stop()
  await sandbox.close()
}
if (once) {
  await shutdown()
} else {
  console.log(`\nChat with your bot at ${sandbox.url} (try /ai hello). Press Ctrl+C to stop.`)
  process.once('SIGINT', () => void shutdown())
  process.once('SIGTERM', () => void shutdown())
}
