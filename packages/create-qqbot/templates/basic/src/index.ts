import { createBot, enableDevReload, type Bot } from '@qqbot/framework'
import { startLocalSandbox } from './local-sandbox.js'
import { controllers, locale, providers } from './bot.js'
import { plugins } from './plugins.js'
import { credentialsFromEnv } from './credentials.js'

const credentials = credentialsFromEnv()

if (credentials) {
  // The real QQ platform; events arrive over the WebSocket gateway. QQBOT_SANDBOX=true uses the platform's
  // sandbox environment (events only from the sandbox guild/group set in the console).
  const bot = createBot({
    ...credentials,
    hosts: process.env.QQBOT_SANDBOX === 'true' ? 'sandbox' : 'production',
    controllers,
    providers,
    plugins,
    locale,
  })
  await bot.start()
  console.log('Bot connected to the QQ platform.')
  stopOnSignal(bot)
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
  console.log('(QQBOT_APP_ID and QQBOT_APP_SECRET are not set; set them to connect to QQ.)')
  stopOnSignal(bot, () => sandbox.close())
}

/** Ctrl+C or `docker stop`: lets running handlers finish, disconnects, then exits. */
function stopOnSignal(bot: Bot, afterStop?: () => Promise<void>): void {
  const stop = async (signal: NodeJS.Signals) => {
    console.log(`${signal}: stopping…`)
    await bot.stop()
    await afterStop?.()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
