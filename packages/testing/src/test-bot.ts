import { createBot, type Bot, type BotOptions } from '@qqbot/framework'
import { FakeApi, type SentReply } from './fake-api.js'
import { TestEventSource } from './test-event-source.js'

export type TestBotOptions = Omit<BotOptions, 'appId' | 'secret' | 'source' | 'delivery'> & { appId?: string; secret?: string }

/**
 * A bot for tests: the whole chain (prefix match, parsing, guards, DI, reply routing) runs for real; events
 * come from the test and REST calls go to an in-memory {@link FakeApi}. No sockets, no token request.
 */
export class TestBot {
  private messageCounter = 0

  constructor(
    readonly bot: Bot,
    readonly api: FakeApi,
    private readonly source: TestEventSource,
  ) {}

  /** A user, to send messages as: `bot.user('alice').inGroup('g1').send('/roll 20')`. */
  user(id: string): TestUser {
    return new TestUser(this, id)
  }

  /** Delivers any event (e.g. `GROUP_ADD_ROBOT`) and waits until the bot has dealt with it. */
  async emit(name: string, data: unknown): Promise<SentReply[]> {
    const before = this.api.sent.length
    this.source.emit(name, data)
    await this.settle(before)
    return this.api.sent.slice(before)
  }

  /** Every reply sent so far. */
  get replies(): SentReply[] {
    return this.api.sent
  }

  stop(): Promise<void> {
    return this.bot.stop()
  }

  /** @internal */
  nextMessageId(): string {
    return `test-msg-${++this.messageCounter}`
  }

  /**
   * Waits until the bot is idle, or (when a handler keeps waiting, e.g. in `ctx.prompt()`) until its replies
   * stop arriving. Bounded, so a stuck handler fails the test's expectation instead of hanging it.
   */
  private async settle(before: number): Promise<void> {
    let idle = false
    void this.bot.client.idle().then(() => (idle = true))
    let lastCount = before
    let stableFor = 0
    for (let waited = 0; waited < 2_000 && !idle; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      const count = this.api.sent.length
      stableFor = count === lastCount ? stableFor + 5 : 0
      lastCount = count
      if (count > before && stableFor >= 25) return
    }
  }
}

/** A user of the test platform. */
export class TestUser {
  constructor(
    private readonly testBot: TestBot,
    readonly id: string,
  ) {}

  inGroup(groupOpenid: string): TestChat {
    return new TestChat(this.testBot, 'group', (id, content) => ({
      name: 'GROUP_AT_MESSAGE_CREATE',
      data: { id, content: ` ${content}`, timestamp: new Date().toISOString(), group_openid: groupOpenid, author: { member_openid: this.id } },
    }))
  }

  inC2C(): TestChat {
    return new TestChat(this.testBot, 'c2c', (id, content) => ({
      name: 'C2C_MESSAGE_CREATE',
      data: { id, content, timestamp: new Date().toISOString(), author: { user_openid: this.id } },
    }))
  }

  /** A guild channel @-message (the content gets the bot mention, as the platform delivers it). */
  inChannel(channelId: string, guildId = 'test-guild', roles: string[] = []): TestChat {
    return new TestChat(this.testBot, 'channel', (id, content) => ({
      name: 'AT_MESSAGE_CREATE',
      data: {
        id,
        content: `<@!1000000000000000001> ${content}`,
        timestamp: new Date().toISOString(),
        channel_id: channelId,
        guild_id: guildId,
        author: { id: this.id, username: this.id },
        member: { roles },
      },
    }))
  }

  inDM(dmGuildId = `dm-${this.id}`): TestChat {
    return new TestChat(this.testBot, 'dm', (id, content) => ({
      name: 'DIRECT_MESSAGE_CREATE',
      data: { id, content, timestamp: new Date().toISOString(), guild_id: dmGuildId, channel_id: `${dmGuildId}-c`, direct_message: true, author: { id: this.id, username: this.id } },
    }))
  }
}

/** One user in one chat: send messages, read what the bot answered there. */
export class TestChat {
  private readonly mine: SentReply[] = []

  constructor(
    private readonly testBot: TestBot,
    readonly scene: SentReply['scene'],
    private readonly message: (id: string, content: string) => { name: string; data: Record<string, unknown> },
  ) {}

  /** Sends a message and resolves with the bot's replies to it. */
  async send(content: string): Promise<SentReply[]> {
    const { name, data } = this.message(this.testBot.nextMessageId(), content)
    const replies = await this.testBot.emit(name, data)
    this.mine.push(...replies)
    return replies
  }

  /** The text of the last reply in this chat, or `undefined`. */
  lastReply(): string | undefined {
    return this.mine.at(-1)?.text
  }

  /** Every reply the bot sent in this chat through this helper. */
  get replies(): readonly SentReply[] {
    return this.mine
  }
}

/** Builds and starts a test bot. */
export async function createTestBot(options: TestBotOptions): Promise<TestBot> {
  const api = new FakeApi()
  const source = new TestEventSource()
  const bot = createBot({
    appId: 'test-app',
    secret: 'test-secret',
    logLevel: 'silent',
    ...options,
    source,
    rest: { ...options.rest, hooks: [api.hook, ...(options.rest?.hooks ?? [])] },
  })
  await bot.start()
  return new TestBot(bot, api, source)
}
