import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { DispatchedEvent, QQBotClient, ReplyContent, Scene } from '@qqbot/core'
import { CommandContext } from '../context/contexts.js'
import { PromptCancelledError, PromptRegistry, PromptTimeoutError } from '../conversation/prompt-registry.js'
import { Arg, Command, Controller, Flag, UseGuards } from '../decorators/decorators.js'
import type { ControllerInstance } from '../di/bot-container.js'
import { MESSAGES, SCENE_NAMES, ZOD_LOCALES, type MessageTable } from '../i18n/messages.js'
import { EXPECTATIONS } from '../i18n/expectations.js'
import { definitionOf, type Guard } from '../metadata/controller-metadata.js'
import { CommandRegistry } from './command-registry.js'
import { Invoker, type InvokerOptions } from './invoker.js'

const trail: string[] = []
const refuse: Guard = async (ctx) => {
  trail.push('refuse')
  await ctx.reply('not you')
}
const pass: Guard = async (_ctx, next) => {
  trail.push('pass')
  await next()
}

@Controller({ scenes: ['group', 'c2c'] })
class Sample {
  lastThrown: unknown

  @Command('add')
  add(@Arg('a', z.coerce.number()) a: number, ctx: CommandContext, @Flag('b', z.coerce.number().default(1)) b: number) {
    trail.push(`add ${a} ${b} ${ctx.command}`)
    return `${a + b}`
  }

  @Command('lenient', { extraArguments: 'ignore' })
  lenient(@Arg('n', z.coerce.number()) n: number) {
    return String(n)
  }

  @Command('silent')
  silent() {
    return ''
  }

  @Command('body')
  body() {
    return { markdown: { content: '**hi**' } }
  }

  @Command('explicit')
  async explicit(ctx: CommandContext) {
    await ctx.reply('sent myself')
    return 'not sent'
  }

  @Command('nothing')
  nothing() {
    return 42
  }

  @Command('guarded')
  @UseGuards(refuse)
  guarded(@Arg('n', z.coerce.number()) n: number) {
    trail.push(`guarded ${n}`)
    return 'ran'
  }

  @Command('checked')
  @UseGuards(pass)
  checked(@Arg('n', z.coerce.number()) n: number) {
    trail.push(`checked ${n}`)
    return 'ran'
  }

  @Command('fail')
  fail(): string {
    throw this.lastThrown
  }

  @Command('here', { scenes: ['group'] })
  here() {
    trail.push('here')
    return 'here'
  }
}

const registry = new CommandRegistry(true, '/')
for (const command of definitionOf(Sample)!.commands)
  registry.add(Sample.prototype, command, definitionOf(Sample)!.options.scenes, definitionOf(Sample)!.guards)

interface Setup {
  invoker: Invoker
  instance: Sample
  sent: ReplyContent[]
  /** What the invoker asked the container for: the context token and the context. */
  asked: unknown[][]
}

function setup(options: Partial<InvokerOptions> = {}): Setup {
  const instance = new Sample()
  const asked: unknown[][] = []
  const invoker = new Invoker(
    {
      instanceFor: (prototype, token, context) => {
        asked.push([prototype, token, context])
        return instance as unknown as ControllerInstance
      },
    },
    {
      messages: MESSAGES.en,
      zodLocale: ZOD_LOCALES.en,
      expectations: EXPECTATIONS.en,
      extraArguments: undefined,
      sceneNames: SCENE_NAMES.en,
      displayPrefix: '/',
      onCommandError: undefined,
      ...options,
    },
  )
  trail.length = 0
  return { invoker, instance, sent: [], asked }
}

/** Runs `text` (`name args…`) through the invoker in `scene`; resolves with what was replied. */
async function run(target: Setup, text: string, scene: Scene = 'group'): Promise<ReplyContent[]> {
  const [name, ...rest] = text.split(' ')
  const event = { name: 'GROUP_AT_MESSAGE_CREATE', data: { content: text } } as unknown as DispatchedEvent
  const client = {
    reply: async (_event: DispatchedEvent, content: ReplyContent) => {
      target.sent.push(content)
      return {}
    },
  } as unknown as QQBotClient
  const context = new CommandContext({
    event,
    client,
    scene,
    command: name!,
    argsText: rest.join(' '),
    store: new Map(),
    messages: MESSAGES.en,
    conversations: new PromptRegistry(),
  })
  const before = target.sent.length
  await target.invoker.invoke(registry.find(name!)!, context)
  return target.sent.slice(before)
}

describe('Invoker', () => {
  it('GIVEN arguments and flags THEN the handler gets parsed values at their positions and the context in the undecorated one', async () => {
    const target = setup()
    expect(await run(target, 'add 2 --b 5')).toEqual(['7'])
    expect(await run(target, 'add -3')).toEqual(['-2'])
    expect(trail).toEqual(['add 2 5 add', 'add -3 1 add'])
  })

  it('GIVEN the container THEN the instance is asked for with the command context, so an event scope can inject it', async () => {
    const target = setup()
    await run(target, 'add 1')
    const [[prototype, token, context]] = target.asked as [[object, unknown, CommandContext]]
    expect(prototype).toBe(Sample.prototype)
    expect(token).toBe(CommandContext)
    expect(context).toBeInstanceOf(CommandContext)
    expect(context.argsText).toBe('1')
  })

  it('GIVEN a bad or missing argument or an unknown flag THEN the user gets the reason and the usage and the handler does not run', async () => {
    const target = setup()
    expect(await run(target, 'add x')).toEqual(['Invalid argument a: "x" is not a number.\nUsage: /add <a> [--b <b>]'])
    expect(await run(target, 'add')).toEqual(['Missing argument a (a number)\nUsage: /add <a> [--b <b>]'])
    expect(await run(target, 'add 1 --b 2.5.1')).toEqual([
      'Invalid option --b: "2.5.1" is not a number.\nUsage: /add <a> [--b <b>]',
    ])
    expect(await run(target, 'add 1 --c 2')).toEqual(['Unknown option --c\nUsage: /add <a> [--b <b>]'])
    expect(trail).toEqual([])
  })

  it('GIVEN words after the last argument THEN they are refused by default and ignored where the command or bot says so', async () => {
    const target = setup()
    expect(await run(target, 'add 1 2 3 --b 4')).toEqual([
      'Extra words at the end: "2 3". Put quotes around an argument that has spaces.\nUsage: /add <a> [--b <b>]',
    ])
    expect(trail).toEqual([])
    expect(await run(setup({ extraArguments: 'ignore' }), 'add 1 2 3 --b 4')).toEqual(['5'])
    expect(await run(target, 'lenient 1 2 3')).toEqual(['1'])
    // a command without arguments ignores words after it by default (`/ping 42`), unless the bot is strict
    expect(await run(target, 'body 42')).toEqual([{ markdown: { content: '**hi**' } }])
    expect((await run(setup({ extraArguments: 'refuse' }), 'body 42'))[0]).toMatch(/^Extra words at the end: "42"/)
  })

  it('GIVEN return values THEN a non-empty string or a message body is the reply; empty, other values, or an explicit reply send nothing more', async () => {
    const target = setup()
    expect(await run(target, 'body')).toEqual([{ markdown: { content: '**hi**' } }])
    expect(await run(target, 'silent')).toEqual([])
    expect(await run(target, 'nothing')).toEqual([])
    expect(await run(target, 'explicit')).toEqual(['sent myself'])
  })

  it('GIVEN a refusing guard THEN it runs before the arguments are parsed: no usage hint, no handler', async () => {
    const target = setup()
    expect(await run(target, 'guarded not-a-number')).toEqual(['not you'])
    expect(trail).toEqual(['refuse'])
    expect((await run(target, 'checked not-a-number'))[0]).toMatch(/^Invalid argument n/)
    expect(await run(target, 'checked 3')).toEqual(['ran'])
    expect(trail).toEqual(['refuse', 'pass', 'pass', 'checked 3'])
  })

  it('GIVEN a command of another scene THEN it says where the command works, and nothing else runs', async () => {
    const target = setup()
    expect(await run(target, 'here', 'c2c')).toEqual(['/here works only in group chats.'])
    expect(await run(target, 'add 1', 'guild')).toEqual(['/add works only in group chats or one-to-one chats.'])
    expect(trail).toEqual([])
    const silent = setup({ messages: { ...MESSAGES.en, WRONG_SCENE: () => '' } })
    expect(await run(silent, 'here', 'c2c')).toEqual([])
    expect(await run(silent, 'here', 'group')).toEqual(['here'])
  })

  it('GIVEN a handler that throws THEN the user gets the generic text and the error is thrown on (to be logged and counted)', async () => {
    const target = setup()
    target.instance.lastThrown = new Error('bug')
    await expect(run(target, 'fail')).rejects.toThrow('bug')
    expect(target.sent).toEqual([MESSAGES.en.HANDLER_FAILED({})])
  })

  it('GIVEN onCommandError THEN its text replaces the generic one, null sends nothing, a failing hook falls back; the error is thrown on each time', async () => {
    const answers: Record<string, string | null> = { known: 'Sorry: known', quiet: null }
    const target = setup({
      onCommandError: (error) => {
        const message = (error as Error).message
        if (message === 'hook-fails') throw new Error('hook bug')
        return answers[message]
      },
    })
    for (const message of ['known', 'quiet', 'hook-fails', 'other']) {
      target.instance.lastThrown = new Error(message)
      await expect(run(target, 'fail')).rejects.toThrow(message)
    }
    const generic = MESSAGES.en.HANDLER_FAILED({})
    expect(target.sent).toEqual(['Sorry: known', generic, generic])
  })

  it('GIVEN a prompt that timed out or was cancelled THEN the user is told (not when the bot is stopping) and nothing is thrown', async () => {
    const messages: MessageTable = MESSAGES.en
    const target = setup()
    target.instance.lastThrown = new PromptTimeoutError(1000)
    expect(await run(target, 'fail')).toEqual([messages.PROMPT_TIMEOUT({})])
    target.instance.lastThrown = new PromptCancelledError('user')
    expect(await run(target, 'fail')).toEqual([messages.PROMPT_CANCELLED({})])
    target.instance.lastThrown = new PromptCancelledError('stopped')
    expect(await run(target, 'fail')).toEqual([])
  })
})
