/**
 * `{{run}} dev`: without credentials, the whole bot in this one process against the local chat page, so you
 * can try the commands without QQ or Redis. With credentials the bot runs split: `{{run}} ingress` and
 * `{{run}} worker` (see README.md).
 */
import { createBot, enableDevReload } from '@qqbot/framework'
import { startLocalSandbox } from './local-sandbox.js'
import { controllers, locale, providers } from './bot.js'
import { plugins } from './plugins.js'
import { credentialsFromEnv } from './credentials.js'

if (credentialsFromEnv()) {
  console.error(
    [
      'QQBOT_APP_ID and QQBOT_APP_SECRET are set: on QQ this bot runs as separate processes sharing Redis (REDIS_URL).',
      'Build once ({{run}} build), then start in separate terminals:',
      '  {{run}} ingress   # holds the gateway shards, queues the events in Redis',
      '  {{run}} worker    # runs the commands; start as many as you need',
      'or everything at once with Docker: docker compose up --build',
      'Unset the two variables to chat with the bot locally instead.',
    ].join('\n'),
  )
  process.exitCode = 1
} else {
  // No credentials: a local chat page with a fake QQ platform behind it. Nothing leaves this machine.
  const sandbox = await startLocalSandbox()
  const bot = createBot({ ...sandbox.connection, controllers, providers, plugins, locale })
  await bot.start()
  sandbox.watch(bot.client)
  // Under `{{run}} dev`: a save that changes only a plugin's module reloads that plugin in place, said on the page.
  await enableDevReload(bot, {
    plugins,
    onReload: ({ name, generation }) => sandbox.announce(`plugin ${name} reloaded (v${generation})`),
  })
  console.log(`Chat with your bot at ${sandbox.url}`)
  console.log('(One process, no Redis. QQBOT_APP_ID and QQBOT_APP_SECRET are not set; see README.md to run on QQ.)')
  const stop = async (signal: NodeJS.Signals) => {
    console.log(`${signal}: stopping…`)
    await bot.stop()
    await sandbox.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
