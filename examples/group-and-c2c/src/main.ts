/**
 * Runs the group-and-C2C bot. With QQBOT_APP_ID and QQBOT_APP_SECRET set it connects to QQ (QQBOT_SANDBOX=true:
 * the platform's sandbox environment); without them it serves the local chat sandbox, a chat page backed by a
 * fake QQ platform (http://127.0.0.1:3000/; QQBOT_SANDBOX_PORT changes the port). `--once` plays a short
 * scripted conversation in the local sandbox, prints it and exits.
 */
import { startSandbox } from '@qqbot/sandbox'
import {
  c2cMessage,
  friendAdd,
  groupAddRobot,
  groupAtMessage,
  interaction,
  type BuiltEvent,
} from '@qqbot/fake-platform'
import type { Bot } from '@qqbot/framework'
import { createGroupAndC2cBot } from './bot.js'
import { describeMessage } from './transcript.js'

const once = process.argv.includes('--once')
const appId = process.env.QQBOT_APP_ID
const secret = process.env.QQBOT_APP_SECRET
// The sandbox page shows the traffic; keep the terminal to warnings unless LOG_LEVEL asks for more.
const sandboxLogLevel = process.env.LOG_LEVEL === undefined ? 'warn' : undefined

if (appId && secret && !once) {
  const bot = createGroupAndC2cBot({
    appId,
    secret,
    hosts: process.env.QQBOT_SANDBOX === 'true' ? 'sandbox' : 'production',
  })
  await bot.start()
  console.log('Connected to the QQ platform. Add the bot to a group, or chat with it one to one.')
  stopOnSignal(bot)
} else {
  const sandbox = await startSandbox(once ? { port: 0 } : {})
  const bot = createGroupAndC2cBot({ ...sandbox.connection, logLevel: sandboxLogLevel })
  await bot.start()
  sandbox.watch(bot.client)
  if (once) {
    await playScript(sandbox.platform)
    await bot.stop()
    await sandbox.close()
  } else {
    console.log(`Chat with the bot at ${sandbox.url} (try /menu in the group, then note buy milk in C2C)`)
    stopOnSignal(bot, () => sandbox.close())
  }
}

/** Ctrl+C or SIGTERM: lets running handlers finish, disconnects, then exits. */
function stopOnSignal(bot: Bot, afterStop?: () => Promise<void>): void {
  const stop = async () => {
    await bot.stop()
    await afterStop?.()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

type Platform = Awaited<ReturnType<typeof startSandbox>>['platform']

/** Dispatches each step, waits for the bot's messages (a step may get none) and prints the exchange. */
async function playScript(platform: Platform): Promise<void> {
  const alice = { memberOpenid: 'MEMBER_ALICE', userOpenid: 'USER_ALICE' }
  const steps: { label: string; event: () => BuiltEvent }[] = [
    {
      label: '[group] alice: /menu',
      event: () => groupAtMessage({ content: '/menu', memberOpenid: alice.memberOpenid }),
    },
    {
      label: '[group] alice taps 🐱 Cat',
      event: () => interaction({ scene: 'group', buttonData: 'cat', memberOpenid: alice.memberOpenid }),
    },
    {
      label: '[group] alice: /poll Tea for lunch?',
      event: () => groupAtMessage({ content: '/poll Tea for lunch?', memberOpenid: alice.memberOpenid }),
    },
    {
      label: '[group] alice taps 👍 Yes',
      event: () =>
        interaction({ scene: 'group', buttonData: lastButtonData(platform, 0), memberOpenid: alice.memberOpenid }),
    },
    {
      label: '[group] alice: /note buy milk',
      event: () => groupAtMessage({ content: '/note buy milk', memberOpenid: alice.memberOpenid }),
    },
    {
      label: '[c2c] alice: note buy milk',
      event: () => c2cMessage({ content: 'note buy milk', userOpenid: alice.userOpenid }),
    },
    { label: '[c2c] alice: /cat', event: () => c2cMessage({ content: '/cat', userOpenid: alice.userOpenid }) },
    { label: '[group] the bot is added to another group', event: () => groupAddRobot({ groupOpenid: 'GROUP_NEW' }) },
    { label: '[c2c] bob adds the bot as a friend', event: () => friendAdd({ openid: 'USER_BOB' }) },
  ]
  for (const step of steps) {
    const sentBefore = platform.sent.length
    const callsBefore = platform.calls.length
    const event = step.event()
    platform.dispatch(event.t, event.d, event.id === undefined ? undefined : { id: event.id })
    await platform.waitForSent(sentBefore + 1, 2_000).catch(() => undefined)
    console.log(step.label)
    const ack = platform.calls
      .slice(callsBefore)
      .find((call) => call.method === 'PUT' && call.path.startsWith('/interactions/'))
    if (ack) console.log(`   bot: (interaction acknowledged, code ${(ack.body as { code?: number }).code})`)
    const replies = platform.sent.slice(sentBefore)
    for (const message of replies) console.log(`   bot: ${describeMessage(message.body)}`)
    if (replies.length === 0) console.log('   bot: (no reply)')
  }
}

/** The `data` of button `index` on the last message the bot sent (the poll's vote buttons). */
function lastButtonData(platform: Platform, index: number): string {
  const rows = (platform.sent.at(-1)?.body.keyboard?.content?.rows ?? []) as {
    buttons: { action: { data: string } }[]
  }[]
  return rows.flatMap((row) => row.buttons)[index]?.action.data ?? ''
}
