/**
 * A plugin's lifetime in a running bot (the test kit: in-memory API, manual clock): everything a plugin
 * registers is undone when it is unloaded, one test per kind of resource; a reload brings the new version.
 */
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  button,
  ButtonContext,
  Command,
  CommandContext,
  Controller,
  Cooldown,
  definePlugin,
  Injectable,
  keyboard,
  OnButton,
  OnEvent,
  type EventContext,
  type OnStart,
  type OnStop,
  type TextSource,
} from '@qqbot/framework'
import { createTestBot, type TestBot } from '@qqbot/testing'

let test: TestBot | undefined
afterEach(async () => {
  await test?.stop()
  test = undefined
})

class DiceOptions {
  sides = 6
}

@Controller()
class DiceV1 {
  constructor(private readonly options: DiceOptions) {}

  @Command('roll', { aliases: ['r'], description: 'Roll a die' })
  @Cooldown({ per: 'user', ms: 10_000 })
  roll() {
    return `v1 d${this.options.sides}`
  }

  @OnEvent('GROUP_ADD_ROBOT')
  welcome(ctx: EventContext<'GROUP_ADD_ROBOT'>) {
    return ctx.reply('dice says hi')
  }

  @Command('menu')
  menu() {
    return { content: 'menu', keyboard: keyboard().row(button.callback('d6', 'roll:6')).build() }
  }

  @OnButton('roll:{sides}')
  clicked(ctx: ButtonContext) {
    return `clicked d${ctx.params.sides}`
  }
}

@Controller()
class DiceV2 {
  @Command('roll', { aliases: ['r'] })
  roll() {
    return 'v2'
  }
}

const schema = z.object({ sides: z.number().int().min(2).default(6) })
const diceV1 = definePlugin({
  name: 'dice',
  description: 'Dice games',
  config: schema,
  controllers: [DiceV1],
  setup: ({ config, container }) => void container.register(DiceOptions, { useValue: { sides: config.sides } }),
})
const diceV2 = definePlugin({ name: 'dice', controllers: [DiceV2] })

@Controller()
class Ping {
  @Command('ping', { description: 'Answer pong' })
  ping() {
    return 'pong'
  }
}
const ping = definePlugin({ name: 'ping', controllers: [Ping] })

describe('a plugin in the test kit', () => {
  it('GIVEN createTestBot({ plugins: [dice({ sides: 20 })] }) THEN the plugin runs alone with that config', async () => {
    test = await createTestBot({ plugins: [diceV1({ sides: 20 })], locale: 'en' })
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/roll')
    expect(chat.lastReply()).toBe('v1 d20')
    expect(test.bot.plugins.list()).toEqual([{ name: 'dice', version: undefined, description: 'Dice games' }])
  })
})

describe('unloading a plugin undoes what it registered', () => {
  it('GIVEN its commands and aliases THEN they answer no more, and the other plugins still do; a reload brings the new version', async () => {
    test = await createTestBot({ plugins: [diceV1, ping], locale: 'en' })
    const chat = test.user('alice').inGroup('g1')
    await test.bot.plugins.unload('dice')
    expect(await chat.send('/roll')).toEqual([])
    expect(await chat.send('/r')).toEqual([])
    await chat.send('/ping')
    expect(chat.lastReply()).toBe('pong')
    await test.bot.plugins.load(diceV1({ sides: 8 }))
    await test.bot.plugins.reload(diceV2)
    await chat.send('/r')
    expect(chat.lastReply()).toBe('v2')
    expect(test.bot.plugins.list().map((plugin) => plugin.name)).toEqual(['ping', 'dice'])
  })

  it('GIVEN its @OnEvent handlers THEN the event reaches them no more', async () => {
    test = await createTestBot({ plugins: [diceV1, ping] })
    expect(
      (await test.emit('GROUP_ADD_ROBOT', { group_openid: 'g1', op_member_openid: 'u1', timestamp: 1 })).map(
        (r) => r.text,
      ),
    ).toEqual(['dice says hi'])
    await test.bot.plugins.unload('dice')
    expect(await test.emit('GROUP_ADD_ROBOT', { group_openid: 'g2', op_member_openid: 'u1', timestamp: 2 })).toEqual([])
  })

  it('GIVEN its @OnButton handlers THEN a click is acknowledged as unmatched', async () => {
    test = await createTestBot({ plugins: [diceV1, ping] })
    const chat = test.user('alice').inGroup('g1')
    const [menu] = await chat.send('/menu')
    expect((await chat.click(menu!, 'd6')).map((reply) => reply.text)).toEqual(['clicked d6'])
    await test.bot.plugins.unload('dice')
    expect(await chat.click(menu!, 'd6')).toEqual([])
    const acks = test.api.calls.filter((call) => call.method === 'PUT' && call.path.startsWith('/interactions/'))
    expect(acks.map((call) => (call.body as { code: number }).code)).toEqual([0, 1])
  })

  it("GIVEN its middleware THEN it runs around events no more, while the bot's own still does", async () => {
    const seen: string[] = []
    const watcher = definePlugin({
      name: 'watcher',
      setup: ({ use }) =>
        use(async (event, next) => {
          seen.push(`plugin ${event.name}`)
          await next()
        }),
    })
    test = await createTestBot({ plugins: [watcher, ping], middleware: [(_, next) => next()] })
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/ping')
    await test.bot.plugins.unload('watcher')
    await chat.send('/ping')
    expect(chat.replies.map((reply) => reply.text)).toEqual(['pong', 'pong'])
    expect(seen).toEqual(['plugin GROUP_AT_MESSAGE_CREATE'])
  })

  it("GIVEN its guards' state (a cooldown) THEN a reload starts it afresh", async () => {
    test = await createTestBot({ plugins: [diceV1], locale: 'en' })
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/roll')
    await chat.send('/roll')
    expect(chat.lastReply()).toMatch(/^Slow down/)
    await test.bot.plugins.reload(diceV1({}))
    await chat.send('/roll')
    expect(chat.lastReply()).toBe('v1 d6')
  })

  it('GIVEN timers and intervals started through its context THEN they fire no more', async () => {
    const fired: string[] = []
    const ticker = definePlugin({
      name: 'ticker',
      setup: (ctx) => {
        ctx.setInterval(() => void fired.push('tick'), 1_000)
        ctx.setTimeout(() => void fired.push('once'), 1_500)
        const cancelled = ctx.setTimeout(() => void fired.push('cancelled'), 500)
        cancelled()
      },
    })
    test = await createTestBot({ plugins: [ticker] })
    await test.clock.advance(1_000)
    expect(fired).toEqual(['tick'])
    await test.bot.plugins.unload('ticker')
    await test.clock.advance(10_000)
    expect(fired).toEqual(['tick'])
  })

  it('GIVEN onDispose callbacks and services with onStart/onStop THEN they run on load and unload, last registered first', async () => {
    const calls: string[] = []
    @Injectable()
    class Feed implements OnStart, OnStop {
      onStart() {
        calls.push('start')
      }
      onStop() {
        calls.push('stop')
      }
    }
    const feed = definePlugin({
      name: 'feed',
      providers: [Feed],
      setup: ({ onDispose }) => {
        onDispose(() => void calls.push('dispose 1'))
        onDispose(() => void calls.push('dispose 2'))
      },
    })
    test = await createTestBot({ plugins: [feed] })
    expect(calls).toEqual(['start'])
    await test.bot.plugins.unload('feed')
    expect(calls).toEqual(['start', 'stop', 'dispose 2', 'dispose 1'])
    await test.bot.plugins.load(feed)
    expect(calls.at(-1)).toBe('start')
  })

  it('GIVEN a user answering one of its questions THEN the user is told the command changed, and the next message is a command again', async () => {
    @Controller()
    class Quiz {
      @Command('quiz')
      async quiz(ctx: CommandContext) {
        const answer = await ctx.prompt('2 + 2?')
        return `you said ${answer}`
      }
    }
    const quiz = definePlugin({ name: 'quiz', controllers: [Quiz] })
    test = await createTestBot({ plugins: [quiz, ping], locale: 'en' })
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/quiz')
    expect(chat.lastReply()).toBe('2 + 2?')
    await test.bot.plugins.reload(quiz)
    expect(chat.lastReply()).toBe('This command was just updated; please send it again.')
    await chat.send('/ping')
    expect(chat.lastReply()).toBe('pong')
    expect(chat.replies.map((reply) => reply.text)).not.toContain('you said /ping')
  })

  it('GIVEN an open streamed reply THEN it is finished with the text so far before the plugin goes', async () => {
    let release!: () => void
    const never = new Promise<void>((resolve) => (release = resolve))
    @Controller()
    class Talker {
      @Command('talk')
      talk(): TextSource {
        return (async function* () {
          yield 'so far'
          await never
          yield ' and more'
        })()
      }
    }
    const talker = definePlugin({ name: 'talker', controllers: [Talker] })
    test = await createTestBot({ plugins: [talker], pluginSwap: { drainMs: 50 } })
    const chat = test.user('alice').inGroup('g1')
    void chat.send('/talk')
    await test.bot.plugins.unload('talker')
    await test.settle()
    expect(chat.replies.map((reply) => reply.text)).toEqual(['so far'])
    release()
  })
})

describe('plugins that fail', () => {
  it('GIVEN a plugin whose setup throws THEN it is logged with its name and left out, and the others run', async () => {
    const lines: Record<string, unknown>[] = []
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
        done()
      },
    })
    const broken = definePlugin({
      name: 'broken',
      controllers: [DiceV2],
      setup: () => {
        throw new Error('no database')
      },
    })
    test = await createTestBot({ plugins: [broken, ping], logLevel: 'error', logDestination })
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/ping')
    expect(chat.lastReply()).toBe('pong')
    expect(await chat.send('/roll')).toEqual([])
    expect(test.bot.plugins.list().map((plugin) => plugin.name)).toEqual(['ping'])
    expect(lines).toContainEqual(
      expect.objectContaining({ plugin: 'broken', err: expect.objectContaining({ message: 'no database' }) }),
    )
    await expect(test.bot.plugins.load(broken)).rejects.toMatchObject({ code: 'PLUGIN_SETUP_FAILED', plugin: 'broken' })
  })

  it('GIVEN a reload whose new version fails to set up THEN the old version is back and the error is thrown', async () => {
    const failing = definePlugin({
      name: 'dice',
      controllers: [DiceV2],
      setup: () => {
        throw new Error('broken build')
      },
    })
    test = await createTestBot({ plugins: [diceV1] })
    await expect(test.bot.plugins.reload(failing)).rejects.toThrow(/Plugin "dice" failed to set up: broken build/)
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/roll')
    expect(chat.lastReply()).toBe('v1 d6')
  })
})

describe('what a plugin shows', () => {
  it('GIVEN /help THEN the bot’s own commands come first, then each plugin’s under its name and description', async () => {
    @Controller()
    class Own {
      @Command('own')
      own() {
        return 'own'
      }
    }
    test = await createTestBot({ controllers: [Own], plugins: [diceV1, ping], locale: 'en' })
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/help')
    expect(chat.lastReply()).toBe(
      [
        'Commands:',
        '/own',
        '',
        'dice — Dice games',
        '/roll — Roll a die',
        '/menu',
        '',
        'ping',
        '/ping — Answer pong',
      ].join('\n'),
    )
  })

  it('GIVEN a plugin THEN its log lines carry its name and its commands are counted with a plugin label', async () => {
    const lines: Record<string, unknown>[] = []
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
        done()
      },
    })
    const chatty = definePlugin({ name: 'chatty', setup: ({ logger }) => logger.info('hello from setup') })
    test = await createTestBot({ plugins: [chatty, ping], logLevel: 'info', logDestination })
    await test.user('alice').inGroup('g1').send('/ping')
    expect(lines).toContainEqual(expect.objectContaining({ plugin: 'chatty', msg: 'hello from setup' }))
    expect(test.bot.client.metrics().counters.commands_handled).toEqual({
      'command="ping",outcome="ok",plugin="ping"': 1,
    })
  })

  it('GIVEN a plugin command that throws THEN the pipeline logs the failure with the plugin and the command', async () => {
    const lines: Record<string, unknown>[] = []
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
        done()
      },
    })
    @Controller()
    class Faulty {
      @Command('boom')
      boom(): never {
        throw new Error('the handler broke')
      }
    }
    const faulty = definePlugin({ name: 'faulty', controllers: [Faulty] })
    test = await createTestBot({ plugins: [faulty], logLevel: 'error', logDestination })
    await test.user('alice').inGroup('g1').send('/boom')
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'event handler failed', plugin: 'faulty', command: 'boom' }),
    )
  })

  it('GIVEN a private provider and an exported one THEN only the exported one is seen by the bot and by a plugin requiring it', async () => {
    @Injectable()
    class Scores {
      readonly board = 'scores'
    }
    @Injectable()
    class Secret {}
    @Injectable()
    @Controller()
    class Board {
      constructor(private readonly scores: Scores) {}
      @Command('board')
      show() {
        return this.scores.board
      }
    }
    const scores = definePlugin({ name: 'scores', providers: [Scores, Secret], exports: [Scores] })
    const board = definePlugin({ name: 'board', requires: [Scores], controllers: [Board] })
    test = await createTestBot({ plugins: [board, scores] })
    const chat = test.user('alice').inGroup('g1')
    await chat.send('/board')
    expect(chat.lastReply()).toBe('scores')
    expect(test.bot.container.resolve(Scores).board).toBe('scores')
    expect(test.bot.container.isRegistered(Secret, true)).toBe(false)
    await expect(test.bot.plugins.unload('scores')).rejects.toMatchObject({ code: 'PLUGIN_REQUIRED' })
  })
})
