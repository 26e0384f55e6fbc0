import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { groupAddRobot, startFakePlatform, type FakePlatform } from '@qqbot/fake-platform'
import {
  Arg,
  Command,
  CommandContext,
  Controller,
  EventContext,
  GuildAdminOnly,
  Injectable,
  OnEvent,
} from '@qqbot/framework'
import '@qqbot/testing/matchers'
import { createIntegrationBot, ReplyTimeoutError, type IntegrationBot } from './index.js'

@Injectable()
class RandomService {
  int(min: number, max: number): number {
    return min + Math.floor(Math.random() * (max - min + 1))
  }
}

@Controller()
class Dice {
  constructor(private readonly rng: RandomService) {}

  @Command('roll')
  roll(@Arg('sides', z.coerce.number().int().min(2).default(6)) sides: number) {
    return `🎲 ${this.rng.int(1, sides)}`
  }

  @Command('admin')
  @GuildAdminOnly()
  admin() {
    return 'admin ok'
  }

  @Command('ask')
  async ask(ctx: CommandContext) {
    return ctx.reply(`hi ${await ctx.prompt('Name?')}`)
  }

  @OnEvent('GROUP_ADD_ROBOT')
  hello(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply(`Hi ${ctx.data.group_openid}!`)
  }
}

const fixed = { token: RandomService, useValue: { int: () => 4 } }

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(options: Partial<Parameters<typeof createIntegrationBot>[0]> = {}): Promise<IntegrationBot> {
  const bot = await createIntegrationBot({ controllers: [Dice], providers: [fixed], locale: 'en', ...options })
  cleanups.push(() => bot.close())
  return bot
}

describe('createIntegrationBot', () => {
  it('GIVEN users in a group, a C2C chat and a guild channel THEN the real bot answers each over the fake platform', async () => {
    const bot = await start()
    const alice = bot.user('alice').inGroup('g1')
    const bob = bot.user('bob').inC2C()
    const carol = bot.user('carol').inChannel('channel-1', 'guild-1')
    expect((await alice.send('/roll 20')).map((reply) => [reply.scene, reply.target, reply.text])).toEqual([
      ['group', 'g1', '🎲 4'],
    ])
    await bob.send('roll')
    await carol.send('/roll')
    expect(alice).toHaveRepliedWith('🎲 4')
    expect(bob).toHaveRepliedWith('🎲 4')
    expect(carol.lastReply()).toBe('🎲 4')
    expect(bot.platform.sent.map((message) => [message.scene, message.target])).toEqual([
      ['group', 'g1'],
      ['c2c', 'bob'],
      ['guild', 'channel-1'],
    ])
    // the platform saw real REST calls: a token request and one send per reply
    expect(bot.platform.tokenRequests).toBeGreaterThan(0)
    expect(bot.platform.sent[0]!.body).toMatchObject({ msg_id: expect.any(String), msg_seq: 1 })
  })

  it('GIVEN guards, prompts and events THEN they behave as on the platform', async () => {
    const bot = await start()
    expect(await bot.user('boss').inChannel('channel-1', 'guild-1', ['2']).send('/admin')).toMatchObject([
      { text: 'admin ok' },
    ])
    const dave = bot.user('dave').inC2C()
    await dave.send('/ask')
    await dave.send('Dave')
    expect(dave.replies.map((reply) => reply.text)).toEqual(['Name?', 'hi Dave'])
    const added = groupAddRobot({ groupOpenid: 'g-new' })
    expect(await bot.emit(added.t, added.d)).toMatchObject([{ scene: 'group', target: 'g-new', text: 'Hi g-new!' }])
  })

  it('GIVEN a REST fault THEN the bot retries through the platform, and silence is awaited with expected: 0', async () => {
    const bot = await start({ rest: { backoff: { baseMs: 10, maxMs: 20 } } })
    bot.platform.failNext({ method: 'POST', path: /^\/v2\/groups\/[^/]+\/messages$/ }, { status: 503 })
    const alice = bot.user('alice').inGroup('g1')
    expect(await alice.send('/roll')).toMatchObject([{ text: '🎲 4' }])
    expect(bot.platform.calls.filter((call) => call.injected).map((call) => call.status)).toEqual([503])
    expect(await alice.send('not a command', { expected: 0 })).toEqual([])
  })

  it('GIVEN a message nobody answers THEN send() fails with a helpful ReplyTimeoutError', async () => {
    const bot = await start({ replyTimeoutMs: 300 })
    const error = await bot
      .user('erin')
      .inGroup('g1')
      .send('/nothing')
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ReplyTimeoutError)
    expect(error).toMatchObject({ code: 'TEST_REPLY_TIMEOUT' })
    expect((error as Error).message).toMatch(
      /sent 0 of 1 expected replies within 300 ms after GROUP_AT_MESSAGE_CREATE "\/nothing" \(replies: none\)\. If no reply is expected, pass \{ expected: 0 \}/,
    )
  })

  it('GIVEN webhook delivery and a shared platform THEN events arrive signed over HTTP, and close() leaves the platform running', async () => {
    const platform: FakePlatform = await startFakePlatform()
    cleanups.push(() => platform.close())
    const bot = await start({ platform, source: 'webhook' })
    const alice = bot.user('alice').inGroup('g1')
    await alice.send('/roll')
    expect(alice).toHaveRepliedWith('🎲 4')
    await bot.close()
    // the platform outlived the first bot: a second one connects to it and is answered
    const again = await start({ platform })
    await again.user('bob').inC2C().send('/roll 9')
    expect(platform.sent.at(-1)!.body.content).toBe('🎲 4')
  })
})
