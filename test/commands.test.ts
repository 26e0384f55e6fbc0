import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { c2cMessage, directMessage, groupAddRobot, groupAtMessage, guildAtMessage } from '@qqbot/fake-platform'
import { startBotHarness } from './support/bot-harness.js'
import {
  Arg,
  Command,
  CommandContext,
  Controller,
  createBot,
  EventContext,
  Flag,
  Inject,
  Injectable,
  mentionedUser,
  OnEvent,
  Rest,
  type BotOptions,
} from '@qqbot/framework'

@Injectable()
class RandomService {
  next = 4
  int(min: number, max: number): number {
    return Math.min(max, Math.max(min, this.next))
  }
}

@Controller()
class Dice {
  constructor(private readonly rng: RandomService) {}

  @Command('roll', { aliases: ['r', '掷'], description: 'Roll a die' })
  roll(
    @Arg('sides', z.coerce.number().int().min(2).max(1000).default(6)) sides: number,
    @Flag('times', z.coerce.number().int().min(1).max(10).default(1), { short: 't' }) times: number,
    @Flag('loud', z.boolean().default(false)) loud: boolean,
  ) {
    const rolls = Array.from({ length: times }, () => this.rng.int(1, sides)).join(' ')
    return loud ? `🎲 ${rolls}!` : `🎲 ${rolls}`
  }

  @Command('echo')
  echo(@Rest('text', z.string()) text: string, ctx: CommandContext) {
    return ctx.reply(`${ctx.scene}:${ctx.userId ? 'user' : '?'}:${text}`)
  }

  @Command('slap')
  slap(@Arg('who', mentionedUser()) who: string) {
    return `slapped ${who}`
  }

  @Command('offset')
  offset(@Arg('n', z.coerce.number()) n: number) {
    return `n=${n}`
  }

  @Command('rolling')
  rolling() {
    return 'rolling is not roll'
  }

  @Command('boom')
  boom(): string {
    throw new Error('handler bug')
  }

  @OnEvent('GROUP_ADD_ROBOT')
  hello(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply(`Hi ${ctx.data.group_openid}! /roll`)
  }
}

@Controller({ scenes: ['group'] })
class GroupOnly {
  @Command('where')
  where() {
    return 'group only'
  }
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

type Delivery = 'gateway' | 'webhook'
let delivery: Delivery = 'gateway'

function start(options: Partial<BotOptions> = {}) {
  return startBotHarness(
    { controllers: [Dice, GroupOnly], providers: [RandomService], source: delivery, ...options },
    cleanups,
  )
}

// The same suite over both deliveries: handlers must not care how events arrive.
for (const mode of ['gateway', 'webhook'] as const) {
  describe(`over ${mode}`, () => {
    beforeAll(() => {
      delivery = mode
    })

    describe('command matching', () => {
      it('GIVEN prefixes, mentions, aliases and Chinese names THEN the right command runs in each scene', async () => {
        const { say, platform } = await start()
        expect(await say(groupAtMessage({ content: ' /roll 20' }))).toEqual(['🎲 4'])
        expect(await say(groupAtMessage({ content: ' roll 20' }))).toEqual(['🎲 4']) // group @-messages need no prefix
        expect(await say(guildAtMessage({ content: '/r' }))).toEqual(['🎲 4']) // guildAtMessage starts with <@!bot>
        expect(await say(c2cMessage({ content: '掷 3' }))).toEqual(['🎲 3'])
        expect(await say(directMessage({ content: '/ROLL' }))).toEqual(['🎲 4'])
        expect(platform.sent.map((message) => message.scene)).toEqual(['group', 'group', 'guild', 'c2c', 'dm'])
      })

      it('GIVEN a word that is a prefix or substring of a command THEN only the exact token matches', async () => {
        const { say } = await start()
        expect(await say(groupAtMessage({ content: '/rolling' }))).toEqual(['rolling is not roll'])
        expect(await say(groupAtMessage({ content: '/xyz 3' }), 0)).toEqual([])
        expect(await say(groupAtMessage({ content: 'please /roll' }), 0)).toEqual([])
      })

      it('GIVEN a prefixed near miss THEN the closest command is suggested; plain chat and didYouMean: false stay silent', async () => {
        const { say } = await start()
        expect(await say(groupAtMessage({ content: '/rol 3' }))).toEqual(['没有 /rol 这个命令。你是想用 /roll 吗？'])
        expect(await say(c2cMessage({ content: 'rol 3' }), 0)).toEqual([])
        const english = await start({ locale: 'en' })
        expect(await english.say(c2cMessage({ content: '/ehco hi' }))).toEqual([
          'There is no command /ehco. Did you mean /echo?',
        ])
        const quiet = await start({ didYouMean: false })
        expect(await quiet.say(groupAtMessage({ content: '/rol 3' }), 0)).toEqual([])
      })

      it('GIVEN __proto__, constructor or toString as a command THEN nothing breaks and nothing answers', async () => {
        const { say, bot } = await start()
        for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
          expect(await say(groupAtMessage({ content: `/${word} x` }), 0)).toEqual([])
        }
        expect(bot.client.metrics().counters.events_failed).toBeUndefined()
        expect(await say(groupAtMessage({ content: '/roll' }))).toEqual(['🎲 4'])
      })

      it('GIVEN a guild message that does not mention the bot and has no prefix THEN it is ignored; a command of another scene says where it works', async () => {
        const { say } = await start()
        expect(
          await say(
            { t: 'AT_MESSAGE_CREATE', d: { ...(guildAtMessage({ content: 'x' }).d as object), content: 'roll 3' } },
            0,
          ),
        ).toEqual([])
        expect(await say(c2cMessage({ content: '/where' }))).toEqual(['/where 只能在群聊中使用。'])
        expect(await say(groupAtMessage({ content: '/where' }))).toEqual(['group only'])
      })

      it('GIVEN English, or a WRONG_SCENE override that returns nothing THEN the scene refusal is in English, or silent', async () => {
        const english = await start({ locale: 'en' })
        expect(await english.say(c2cMessage({ content: '/where' }))).toEqual(['/where works only in group chats.'])
        const silent = await start({ messages: { WRONG_SCENE: () => '' } })
        expect(await silent.say(c2cMessage({ content: '/where' }), 0)).toEqual([])
        expect(await silent.say(groupAtMessage({ content: '/where' }))).toEqual(['group only'])
      })
    })

    describe('typed arguments', () => {
      it('GIVEN flags in every form and negative numbers THEN they parse as values', async () => {
        const { say } = await start()
        expect(await say(groupAtMessage({ content: '/roll 20 --times 3' }))).toEqual(['🎲 4 4 4'])
        expect(await say(groupAtMessage({ content: '/roll --times=2 20 --loud' }))).toEqual(['🎲 4 4!'])
        expect(await say(groupAtMessage({ content: '/roll -t 2' }))).toEqual(['🎲 4 4'])
        expect(await say(groupAtMessage({ content: '/offset -5' }))).toEqual(['n=-5'])
        expect(await say(guildAtMessage({ content: '/slap <@!777>' }))).toEqual(['slapped 777'])
        expect(await say(groupAtMessage({ content: '/echo "quoted words"  and  more' }))).toEqual([
          'group:user:"quoted words"  and  more',
        ])
      })

      it('GIVEN a bad argument THEN the user is told which, why and the usage (zh-CN by default) and the handler does not run', async () => {
        const { say } = await start()
        const [answer] = await say(groupAtMessage({ content: '/roll x' }))
        expect(answer).toMatch(/^参数 sides 无效：/)
        expect(answer).toContain('用法：/roll [sides] [--times <times>] [--loud]')
        expect((await say(groupAtMessage({ content: '/roll 1' })))[0]).toMatch(/参数 sides 无效：.*2/)
        expect((await say(groupAtMessage({ content: '/roll --times 11' })))[0]).toMatch(/^选项 --times 无效/)
        expect((await say(groupAtMessage({ content: '/roll --nope' })))[0]).toMatch(/^未知选项 --nope/)
        expect((await say(groupAtMessage({ content: '/echo' })))[0]).toMatch(/^缺少参数 text/)
        expect((await say(groupAtMessage({ content: '/echo "open' })))[0]).toMatch(/引号没有闭合/)
      })

      it('GIVEN locale en and an overridden message THEN replies use them', async () => {
        const { say } = await start({ locale: 'en', messages: { FLAG_UNKNOWN: (p) => `no such flag: ${p.name}` } })
        expect((await say(groupAtMessage({ content: '/roll x' })))[0]).toMatch(
          /^Invalid argument sides: .*\nUsage: \/roll/,
        )
        expect(await say(groupAtMessage({ content: '/roll --nope' }))).toEqual(['no such flag: nope'])
      })
    })

    describe('handlers, events, DI and isolation', () => {
      it('GIVEN a handler that throws THEN the user gets a short error, the failure is counted, and the bot keeps answering', async () => {
        const { say, bot } = await start()
        expect(await say(groupAtMessage({ content: '/boom' }))).toEqual(['处理命令时出错了，请稍后再试。'])
        await bot.client.idle()
        expect(bot.client.metrics().counters.events_failed).toEqual({ 'event="GROUP_AT_MESSAGE_CREATE"': 1 })
        expect(await say(groupAtMessage({ content: '/roll' }))).toEqual(['🎲 4'])
      })

      it('GIVEN @OnEvent THEN the typed event handler runs and replies with event_id; intents are derived from controllers', async () => {
        const { say, platform, bot } = await start()
        expect(await say(groupAddRobot({ groupOpenid: 'g-new' }))).toEqual(['Hi g-new! /roll'])
        expect(platform.sent.at(-1)!.body.event_id).toBeDefined()
        // GROUP_AND_C2C_EVENT (group, c2c), PUBLIC_GUILD_MESSAGES (guild @), DIRECT_MESSAGE (dm)
        expect(bot.client.intents).toBe((1 << 25) | (1 << 30) | (1 << 12))
      })

      it('GIVEN a provider override THEN the controller gets it by constructor injection', async () => {
        const fixed = new RandomService()
        fixed.next = 6
        const { say } = await start({ providers: [{ token: RandomService, useValue: fixed }] })
        expect(await say(groupAtMessage({ content: '/roll 20' }))).toEqual(['🎲 6'])
      })

      it('GIVEN two bots in one process THEN they share neither handlers nor singletons', async () => {
        @Controller()
        class Counter {
          count = 0

          constructor(@Inject('label') private readonly label: string) {}
          @Command('count')
          run() {
            return `${this.label}:${++this.count}`
          }
        }
        // Two apps (two platforms), like two real bots in one process.
        const a = await start({
          controllers: [Counter],
          providers: [{ token: 'label', useValue: 'A' }],
          prefixes: ['!'],
        })
        const b = await start({ controllers: [Dice], providers: [RandomService], prefixes: ['#'] })
        expect(await a.say(groupAtMessage({ content: '!count' }))).toEqual(['A:1'])
        expect(await a.say(groupAtMessage({ content: '!count' }))).toEqual(['A:2'])
        expect(await b.say(groupAtMessage({ content: '#roll' }))).toEqual(['🎲 4'])
        expect(a.bot.container.resolve(Counter)).not.toBe(undefined)
        expect(b.bot.container.isRegistered(Counter)).toBe(false)
        expect(await b.say(groupAtMessage({ content: '#count' }), 0)).toEqual([])
        expect(a.bot.container.isRegistered(RandomService, true)).toBe(false)
        expect(b.bot.container.resolve(RandomService)).toBe(b.bot.container.resolve(RandomService))
      })

      it('GIVEN a controller whose dependency is not provided THEN start() fails at once and says what to register', async () => {
        class Unregistered {}
        @Controller()
        class NeedsIt {
          constructor(@Inject('missing-token') readonly dep: Unregistered) {}
          @Command('x')
          x() {
            return 'x'
          }
        }
        const bot = createBot({ appId: '1', secret: 's', logLevel: 'silent', controllers: [NeedsIt] })
        await expect(bot.start()).rejects.toThrow(/Cannot create controller NeedsIt: .*missing-token.*providers/)
        await bot.stop()
      })

      it('GIVEN a class without @Controller or two commands with one name THEN createBot says what to fix', () => {
        class Plain {}
        expect(() => createBot({ appId: '1', secret: 's', logLevel: 'silent', controllers: [Plain] })).toThrow(
          /Plain is not a controller: decorate the class with @Controller/,
        )
        @Controller()
        class Clash {
          @Command('r')
          r() {
            return 'x'
          }
        }
        expect(() =>
          createBot({
            appId: '1',
            secret: 's',
            logLevel: 'silent',
            controllers: [Dice, Clash],
            providers: [RandomService],
          }),
        ).toThrow(/Two commands answer to "r": Dice.roll and Clash.r/)
      })
    })
  })
}
