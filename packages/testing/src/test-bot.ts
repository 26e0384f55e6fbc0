import { createBot, type Bot, type BotOptions } from '@qqbot/framework'
import { FakeApi, type SentReply } from './fake-api.js'
import { ManualClock } from './manual-clock.js'
import { nextTurn, untilIdleOrQuiet } from './real-timers.js'
import { TestEventSource } from './test-event-source.js'
import { TestUser, type ChatDriver } from './test-user.js'

export type TestBotOptions = Omit<BotOptions, 'appId' | 'secret' | 'source' | 'clock'> & {
  appId?: string
  secret?: string
  /** Where the bot's manual clock starts (ms since the epoch); default the real time now. */
  startTime?: number
}

/**
 * A bot for tests: the whole chain (prefix match, parsing, guards, DI, reply routing) runs for real; events
 * come from the test and REST calls go to an in-memory {@link FakeApi}. No sockets, no token request. Its
 * time is {@link TestBot.clock}: cooldowns and prompt timeouts move only when the test advances it.
 */
export class TestBot implements ChatDriver {
  private messageCounter = 0

  constructor(
    readonly bot: Bot,
    readonly api: FakeApi,
    private readonly source: TestEventSource,
    /** The bot's time: `await bot.clock.advance(60_000)` fires due prompt timeouts and ends cooldowns. */
    readonly clock: ManualClock,
  ) {}

  /** Every reply sent so far. */
  get replies(): SentReply[] {
    return this.api.sent
  }

  get botId(): string {
    return this.api.botUser.id
  }

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
   * @internal
   */
  async settle(before = this.api.sent.length): Promise<void> {
    await untilIdleOrQuiet(this.bot.client, () => this.api.sent.length, {
      stepMs: 5,
      quietMs: 25,
      maxMs: 2_000,
      newAfter: before,
    })
  }
}

/** Builds and starts a test bot. */
export async function createTestBot(options: TestBotOptions): Promise<TestBot> {
  const { startTime, ...botOptions } = options
  const api = new FakeApi()
  const source = new TestEventSource()
  let testBot: TestBot | undefined
  // After each timer the clock fires, wait for what the bot does about it (e.g. the prompt-timeout reply).
  const clock = new ManualClock(startTime ?? Date.now(), () => (testBot ? testBot.settle() : nextTurn()))
  const bot = createBot({
    appId: 'test-app',
    secret: 'test-secret',
    logLevel: 'silent',
    ...botOptions,
    source,
    clock,
    rest: { ...botOptions.rest, hooks: [api.hook, ...(botOptions.rest?.hooks ?? [])] },
  })
  await bot.start()
  testBot = new TestBot(bot, api, source, clock)
  return testBot
}
