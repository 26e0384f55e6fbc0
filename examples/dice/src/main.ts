/**
 * `npm start`: the dice bot in the local chat sandbox. Starts the embedded fake QQ platform, connects the bot,
 * plays a short demo, and serves the chat page on 127.0.0.1 (port QQBOT_SANDBOX_PORT, default 3000).
 * `--once` plays the demo on a free port, prints it and exits.
 */
import {
  Command,
  Controller,
  createBot,
  enableDevReload,
  OnEvent,
  type EventContext,
  type Scene,
} from '@qqbot/framework'
import { SandboxPortInUseError, SandboxPortInvalidError, startSandbox, type ReplyView } from '@qqbot/sandbox'
import { coin, dice, RandomService } from './dice-bot.js'

const button = (id: string, label: string, type: 1 | 2, data: string) => ({
  id,
  render_data: { label, visited_label: label, style: 1 },
  action: { type, data, permission: { type: 2 }, enter: type === 2, unsupport_tips: 'Update QQ to use buttons' },
})

/** A markdown menu with buttons: callback buttons roll through INTERACTION_CREATE, the help button sends /help. */
@Controller({ scenes: ['group', 'guild', 'c2c', 'dm'] })
class Menu {
  constructor(private readonly rng: RandomService) {}

  @Command('menu', { description: 'Dice buttons' })
  menu() {
    return {
      markdown: { content: '## 🎲 Dice\nPick a die, or type **/roll 20 --times 3 --sum**' },
      keyboard: {
        content: {
          rows: [
            { buttons: [button('d6', 'Roll d6', 1, 'roll:6'), button('d20', 'Roll d20', 1, 'roll:20')] },
            { buttons: [button('help', 'Help', 2, '/help')] },
          ],
        },
      },
    }
  }

  @OnEvent('INTERACTION_CREATE')
  async rollFromButton(ctx: EventContext<'INTERACTION_CREATE'>) {
    const sides = /^roll:(\d+)$/.exec(ctx.data.data?.resolved?.button_data ?? '')
    await ctx.client.api.ackInteraction(ctx.data.id, sides ? 0 : 1)
    if (sides) await ctx.reply(`🎲 d${sides[1]}: ${this.rng.int(1, Number(sides[1]))}`)
  }
}

const once = process.argv.includes('--once')
const sandbox = await startSandbox(once ? { port: 0 } : {}).catch((error: unknown) => {
  if (!(error instanceof SandboxPortInUseError || error instanceof SandboxPortInvalidError)) throw error
  console.error(error.message)
  process.exit(1)
})
const plugins = [dice({ defaultSides: 6 }), coin]
const bot = createBot({
  ...sandbox.connection,
  controllers: [Menu],
  providers: [RandomService],
  plugins,
  logLevel: 'warn',
  locale: 'en',
})
await bot.start()
sandbox.watch(bot.client)
// Under `npm run dev`, a save that changes only dice-bot.ts or coin-plugin.ts reloads that plugin in place.
await enableDevReload(bot, {
  plugins,
  modules: [new URL('./dice-bot.js', import.meta.url), new URL('./coin-plugin.js', import.meta.url)],
  onReload: ({ name, generation }) => sandbox.announce(`plugin ${name} reloaded (v${generation})`),
})

const describe = (view: ReplyView) =>
  [
    view.text,
    view.markdown,
    view.keyboard &&
      `[buttons: ${view.keyboard
        .flat()
        .map((b) => b.label)
        .join(' | ')}]`,
  ]
    .filter(Boolean)
    .join(' ')
const demo: { scene: Scene; text: string }[] = [
  { scene: 'group', text: '/roll 20 --times 3 --sum' },
  { scene: 'c2c', text: '/pick tea, coffee, water' },
  { scene: 'group', text: '/help roll' },
  { scene: 'guild', text: '/menu' },
]
for (const { scene, text } of demo) {
  const before = sandbox.platform.sent.length
  const { conversation, entry } = sandbox.say({ scene, user: 'bob', text })
  await sandbox.platform.waitForSent(before + 1, 2_000).catch(() => undefined)
  const replies = sandbox
    .transcript(conversation.id)
    .flatMap((e) => (e.kind === 'bot' && e.seq > entry.seq ? [describe(e.view)] : []))
  console.log(`[${conversation.title}] bob: ${text}\n bot: ${replies.join(' | ') || '(no reply)'}`)
}

const shutdown = async () => {
  await bot.stop()
  await sandbox.close()
}
if (once) {
  await shutdown()
} else {
  console.log(`\nChat with your bot at ${sandbox.url} (try /menu, /roll 20, /help). Press Ctrl+C to stop.`)
  process.once('SIGINT', () => void shutdown())
  process.once('SIGTERM', () => void shutdown())
}
