import { startFakePlatform, FakePlatform, type FakePlatformOptions, type SentMessage } from '@qqbot/fake-platform'
import { createBot, type Bot, type BotOptions } from '@qqbot/framework'
import { DeliveryFailedError, ReplyTimeoutError } from './errors.js'
import type { SentReply } from './fake-api.js'
import { bodyText } from './message-events.js'
import { sleep, untilIdleOrQuiet } from './real-timers.js'
import { TestUser, type ChatDriver, type SendOptions } from './test-user.js'

export type IntegrationBotOptions = Omit<BotOptions, 'appId' | 'secret'> & {
  /** A running platform to connect to (`close()` leaves it running), or options for a fresh one. */
  platform?: FakePlatform | FakePlatformOptions
  /** How long `send()`/`emit()` wait for the replies they expect. Default 5 s. */
  replyTimeoutMs?: number
}

/**
 * A real bot connected to the real fake platform over sockets (token, REST over undici, gateway over ws, or
 * signed webhooks with `source: 'webhook'`), driven with the same users and chats as `createTestBot`.
 */
export class IntegrationBot implements ChatDriver {
  private messageCounter = 0

  constructor(
    readonly platform: FakePlatform,
    readonly bot: Bot,
    private readonly ownsPlatform: boolean,
    private readonly replyTimeoutMs: number,
    private readonly viaWebhook: boolean,
  ) {}

  /** Every message the platform accepted from the bot so far. */
  get replies(): SentReply[] {
    return this.platform.sent.map(toSentReply)
  }

  get botId(): string {
    return this.platform.botUser.id
  }

  /** A user, to send messages as: `bot.user('alice').inGroup('g1').send('/roll 20')`. */
  user(id: string): TestUser {
    return new TestUser(this, id)
  }

  /** Delivers any event (e.g. `GROUP_ADD_ROBOT`) through the platform and waits for the replies (see {@link SendOptions}). */
  emit(name: string, data: unknown, options?: SendOptions): Promise<SentReply[]> {
    return this.deliver({ t: name, d: data }, options)
  }

  /**
   * Delivers a built event (`groupAtMessage(...)` from `@qqbot/fake-platform`) over the bot's delivery.
   * Waits for `expected` replies (default: at least one, then until the bot is idle or quiet);
   * `expected: 0` waits for a moment of silence. Throws {@link ReplyTimeoutError} when they do not come.
   */
  async deliver(event: { t: string; d: unknown }, options: SendOptions = {}): Promise<SentReply[]> {
    const before = this.platform.sent.length
    const what = describe(event)
    if (this.viaWebhook) {
      const reply = await this.platform.webhook.deliver(this.bot.client.webhook.url!, event.t, event.d)
      if (reply.status !== 200) throw new DeliveryFailedError(what, reply.status)
    } else this.platform.dispatch(event.t, event.d)
    const { expected } = options
    if (expected === 0) {
      // Give the bot time to (not) answer. Idle is capped: a handler waiting in ctx.prompt() never idles.
      await sleep(150)
      await Promise.race([this.bot.client.idle(), sleep(300)])
    } else {
      await this.waitForSent(before + (expected ?? 1), what, before)
      if (expected === undefined) await this.quiet()
    }
    return this.platform.sent.slice(before).map(toSentReply)
  }

  /** Stops the bot, then the platform (unless it was passed in). */
  async close(): Promise<void> {
    await this.bot.stop()
    if (this.ownsPlatform) await this.platform.close()
  }

  /** @internal */
  nextMessageId(): string {
    return `itest-msg-${++this.messageCounter}`
  }

  private async waitForSent(count: number, what: string, before: number): Promise<void> {
    try {
      await this.platform.waitForSent(count, this.replyTimeoutMs)
    } catch {
      const received = this.platform.sent.slice(before).map((message) => bodyText(message.body ?? {}))
      throw new ReplyTimeoutError(what, count - before, received, this.replyTimeoutMs)
    }
  }

  /** Until the bot is idle, or its replies have stopped for 50 ms (a handler waiting in a prompt never idles). */
  private quiet(): Promise<void> {
    return untilIdleOrQuiet(this.bot.client, () => this.platform.sent.length, { stepMs: 10, quietMs: 50 })
  }
}

/** Starts a fake platform (unless given one) and a bot connected to it; `close()` stops both. */
export async function createIntegrationBot(options: IntegrationBotOptions): Promise<IntegrationBot> {
  const { platform: given, replyTimeoutMs = 5_000, ...botOptions } = options
  const platform =
    given instanceof FakePlatform ? given : await startFakePlatform({ heartbeatIntervalMs: 1_000, ...given })
  const ownsPlatform = !(given instanceof FakePlatform)
  try {
    const bot = createBot({
      appId: platform.appId,
      secret: platform.secret,
      hosts: { api: platform.url },
      logLevel: 'silent',
      ...botOptions,
      gateway: { identifyIntervalMs: 0, ...botOptions.gateway },
      webhook: { port: 0, host: '127.0.0.1', ...botOptions.webhook },
    })
    const integration = new IntegrationBot(platform, bot, ownsPlatform, replyTimeoutMs, botOptions.source === 'webhook')
    try {
      await bot.start()
    } catch (error) {
      await bot.stop().catch(() => undefined)
      throw error
    }
    return integration
  } catch (error) {
    if (ownsPlatform) await platform.close()
    throw error
  }
}

function toSentReply(message: SentMessage): SentReply {
  const body = (message.body ?? {}) as Record<string, unknown>
  return { scene: message.scene, target: message.target, body, text: bodyText(body) }
}

function describe(event: { t: string; d: unknown }): string {
  const content = (event.d as { content?: unknown } | null)?.content
  return typeof content === 'string' ? `${event.t} ${JSON.stringify(content.trim())}` : event.t
}
