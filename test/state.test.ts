import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { c2cMessage, groupAddRobot, groupAtMessage } from '@qqbot/fake-platform'
import { createTestBot, type TestBot } from '@qqbot/testing'
import {
  Command,
  CommandContext,
  Controller,
  defineState,
  EventContext,
  MemoryStateStorage,
  OnEvent,
  Rest,
  StateValidationError,
  UseGuards,
  type Guard,
  type StateStorage,
} from '@qqbot/framework'
import { startBotHarness } from './support/bot-harness.js'

const Counter = defineState('counter', {
  user: z.object({ count: z.number().int() }).default({ count: 0 }),
  chat: {
    schema: z.object({ topic: z.string().optional(), greeted: z.boolean() }).default({ greeted: false }),
    ttlMs: 60_000,
  },
})

// Same field name, its own namespace: the two counts never meet.
const Visits = defineState('visits', { user: z.object({ count: z.number() }).default({ count: 0 }) })

/** Runs in the middle of /rename: lets a test write the same key meanwhile, as another worker would. */
let raceHook: (() => Promise<unknown>) | undefined

const countVisit: Guard = async (ctx, next) => {
  await ctx.stateOf(Visits).user.update((visits) => ({ count: visits.count + 1 }))
  await next()
}

@Controller({ state: Counter })
class Counting {
  @Command('count')
  async count(ctx: CommandContext<typeof Counter>) {
    const { count } = await ctx.state.user.update((value) => ({ count: value.count + 1 }))
    return `count ${count}`
  }

  @Command('topic')
  async topic(@Rest('text', z.string()) text: string, ctx: CommandContext<typeof Counter>) {
    ;(await ctx.state.chat.get()).topic = text
    return 'noted'
  }

  @Command('show')
  @UseGuards(countVisit)
  async show(ctx: CommandContext<typeof Counter>) {
    // @ts-expect-error Counter declares no guild scope, so ctx.state has none.
    void ctx.state.guild
    const [{ count }, chat, visits] = await Promise.all([
      ctx.state.user.get(),
      ctx.state.chat.get(),
      ctx.stateOf(Visits).user.get(),
    ])
    return `count ${count}, topic ${chat.topic ?? '-'}, greeted ${chat.greeted}, visits ${visits.count}`
  }

  @Command('ping')
  ping() {
    return 'pong'
  }

  @Command('fail')
  async fail(ctx: CommandContext<typeof Counter>) {
    ;(await ctx.state.user.get()).count = 1_000
    throw new Error('handler bug')
  }

  @Command('quiz')
  async quiz(ctx: CommandContext<typeof Counter>) {
    ;(await ctx.state.user.get()).count = 50
    await ctx.prompt('Sure?')
    return 'done'
  }

  @Command('rename')
  async rename(@Rest('topic', z.string()) topic: string, ctx: CommandContext<typeof Counter>) {
    const chat = await ctx.state.chat.get()
    await raceHook?.()
    chat.topic = topic
    return `renamed to ${topic}`
  }

  @Command('locked')
  @UseGuards(async (ctx) => {
    ;(await ctx.stateOf(Visits).user.get()).count = 99 // a guard that stops the command still saves its change
    await ctx.reply('locked')
  })
  locked() {
    return 'never'
  }

  @OnEvent('GROUP_ADD_ROBOT')
  async greet(ctx: EventContext<'GROUP_ADD_ROBOT', typeof Counter>) {
    ;(await ctx.state.chat.get()).greeted = true
    await ctx.reply(ctx.state.user.available ? 'user?' : 'hello group')
  }
}

/** A memory storage that counts reads and writes. */
/** Counts the reads and writes of state; those of the framework's own keys (`qqbot/…`, docs/state.md) apart. */
function countingStorage() {
  const inner = new MemoryStateStorage()
  const counts = { reads: 0, writes: 0 }
  const framework = { reads: 0 }
  const storage: StateStorage = {
    read: (key) => (key.startsWith('qqbot/') ? framework.reads++ : counts.reads++, inner.read(key)),
    write: (key, json, expected, options) => (counts.writes++, inner.write(key, json, expected, options)),
    delete: (key, expected) => inner.delete(key, expected),
  }
  return { storage, counts, framework, inner }
}

const bots: TestBot[] = []
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop()
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function testBot(options: Parameters<typeof createTestBot>[0]) {
  const bot = await createTestBot(options)
  bots.push(bot)
  return bot
}

describe('ctx.state in a bot', () => {
  it('GIVEN 2,000 concurrent /count commands of one user THEN the counter ends at exactly 2,000', async () => {
    const storage = new MemoryStateStorage()
    const bot = await testBot({ controllers: [Counting], state: { storage }, pipeline: { highWaterMark: 4_096 } })
    const chat = bot.user('alice').inGroup('g1')
    await Promise.all(Array.from({ length: 2_000 }, () => chat.send('/count')))
    await bot.bot.client.idle()
    const replies = new Set(bot.replies.map((reply) => reply.text))
    expect(replies.size).toBe(2_000) // every handler saw its own count: 1 … 2000
    expect(JSON.parse((await storage.read('counter:user:alice'))!.json).value).toEqual({ count: 2_000 })
  })

  it('GIVEN commands that do not touch state THEN storage is not read; a change in place is written once', async () => {
    const { storage, counts, framework } = countingStorage()
    const bot = await testBot({ controllers: [Counting], state: { storage } })
    const chat = bot.user('bob').inC2C()
    expect((await chat.send('/ping')).map((reply) => reply.text)).toEqual(['pong'])
    expect(counts).toEqual({ reads: 0, writes: 0 })
    expect((await chat.send('/topic cats')).map((reply) => reply.text)).toEqual(['noted'])
    expect(counts).toEqual({ reads: 1, writes: 1 })
    expect(chat.lastReply()).toBe('noted')
    await chat.send('/show')
    expect(chat.lastReply()).toBe('count 0, topic cats, greeted false, visits 1')
    // A bot that never asked a question looked for the prompt marker once, not once per message.
    expect(framework.reads).toBe(1)
  })

  it('GIVEN a handler that throws after changing state THEN the change is not saved', async () => {
    const bot = await testBot({ controllers: [Counting] })
    const chat = bot.user('carol').inC2C()
    await chat.send('/fail')
    await chat.send('/show')
    expect(chat.lastReply()).toBe('count 0, topic -, greeted false, visits 1')
  })

  it('GIVEN a handler that changed state and then timed out in ctx.prompt() THEN the change is not saved', async () => {
    const bot = await testBot({ controllers: [Counting] })
    const chat = bot.user('ivy').inC2C()
    expect((await chat.send('/quiz')).map((reply) => reply.text)).toEqual(['Sure?'])
    await bot.clock.advance(60_000)
    expect(chat.lastReply()).toBe('等待回复超时，已取消。')
    await chat.send('/show')
    expect(chat.lastReply()).toBe('count 0, topic -, greeted false, visits 1')
  })

  it('GIVEN chat state with a TTL THEN it is forgotten when the bot’s clock passes it', async () => {
    const bot = await testBot({ controllers: [Counting] })
    const chat = bot.user('dan').inGroup('g2')
    await chat.send('/topic dogs')
    await bot.clock.advance(59_999)
    await chat.send('/show')
    expect(chat.lastReply()).toBe('count 0, topic dogs, greeted false, visits 1')
    await bot.clock.advance(60_000)
    await chat.send('/show')
    expect(chat.lastReply()).toBe('count 0, topic -, greeted false, visits 2')
  })

  it('GIVEN @OnEvent in a group THEN chat state is there and user state is not (the event has no author)', async () => {
    const bot = await testBot({ controllers: [Counting] })
    expect((await bot.emit('GROUP_ADD_ROBOT', groupAddRobot({ groupOpenid: 'g3' }).d)).map((r) => r.text)).toEqual([
      'hello group',
    ])
    await bot.user('erin').inGroup('g3').send('/show')
    expect(bot.replies.at(-1)!.text).toBe('count 0, topic -, greeted true, visits 1')
  })
})

describe('saving after the handler', () => {
  it('GIVEN another write to the value while a handler changed it in place THEN the save fails, the user gets the error reply instead of the handler’s, and the other write stays', async () => {
    const storage = new MemoryStateStorage()
    const bot = await testBot({ controllers: [Counting], state: { storage } })
    const chat = bot.user('gina').inGroup('g4')
    await chat.send('/topic first')
    raceHook = () => storage.write('counter:chat:group:g4', '{"v":1,"value":{"topic":"other","greeted":false}}', 1)
    try {
      expect((await chat.send('/rename mine')).map((reply) => reply.text)).toEqual(['处理命令时出错了，请稍后再试。'])
    } finally {
      raceHook = undefined
    }
    await chat.send('/show')
    expect(chat.lastReply()).toBe('count 0, topic other, greeted false, visits 1')
  })

  it('GIVEN a guard that stops the command after changing state THEN its change is saved', async () => {
    const bot = await testBot({ controllers: [Counting] })
    const chat = bot.user('hal').inC2C()
    expect((await chat.send('/locked')).map((reply) => reply.text)).toEqual(['locked'])
    await chat.send('/show')
    expect(chat.lastReply()).toBe('count 0, topic -, greeted false, visits 100')
  })
})

describe('ctx.state over the fake platform', () => {
  it('GIVEN a stored value from an older schema and no migrate THEN the user gets the error reply, the hook sees the typed error, and the bot keeps answering', async () => {
    const { storage, inner } = countingStorage()
    await inner.write('counter:user:frank', '{"v":1,"value":{"count":"lots"}}', 0)
    const seen: unknown[] = []
    const { say, bot } = await startBotHarness(
      {
        controllers: [Counting],
        state: { storage },
        onCommandError: (error) => void seen.push(error),
      },
      cleanups,
    )
    const author = { user_openid: 'frank' }
    const message = (content: string) => {
      const event = c2cMessage({ content })
      return { ...event, d: { ...(event.d as object), author } }
    }
    expect(await say(message('/count'))).toEqual(['处理命令时出错了，请稍后再试。'])
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(StateValidationError)
    expect((seen[0] as StateValidationError).message).toMatch(/counter\.user \(key counter:user:frank\).*count:/)
    await bot.client.idle()
    expect(bot.client.metrics().counters.events_failed).toEqual({ 'event="C2C_MESSAGE_CREATE"': 1 })
    expect(await say(groupAtMessage({ content: '/count' }))).toEqual(['count 1'])
  })
})
