import { createBot, enableDevReload, type Bot } from '@qqbot/framework'
import { startLocalSandbox } from './local-sandbox.js'
import { controllers, locale, providers } from './bot.js'
import { plugins } from './plugins.js'
import { credentialsFromEnv } from './credentials.js'

const credentials = credentialsFromEnv()

if (credentials) {
  // The real QQ platform; events arrive as signed HTTP callbacks on QQBOT_WEBHOOK_PORT + QQBOT_WEBHOOK_PATH. Put that
  // behind HTTPS on port 80, 443, 8080 or 8443 and enter its public URL in the QQ console (回调配置).
  const bot = createBot({
    ...credentials,
    hosts: process.env.QQBOT_SANDBOX === 'true' ? 'sandbox' : 'production',
    source: 'webhook',
    webhook: {
      port: Number(process.env.QQBOT_WEBHOOK_PORT ?? 8080),
      path: process.env.QQBOT_WEBHOOK_PATH ?? '/qqbot/callback',
    },
    controllers,
    providers,
    plugins,
    locale,
  })
  await bot.start()
  console.log(`Listening for QQ callbacks at ${bot.client.webhook.url}`)
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

/** Ctrl+C or `docker stop`: stops accepting callbacks, lets running handlers finish, then exits. */
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
