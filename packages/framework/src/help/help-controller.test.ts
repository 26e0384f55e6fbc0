import { describe, expect, it } from 'vitest'
import type { DispatchedEvent, QQBotClient, ReplyContent, Scene } from '@qqbot/core'
import { CommandRegistry } from '../commands/command-registry.js'
import { Invoker } from '../commands/invoker.js'
import { CommandContext } from '../context/contexts.js'
import { PromptRegistry } from '../conversation/prompt-registry.js'
import type { ControllerInstance } from '../di/bot-container.js'
import { MESSAGES, SCENE_NAMES, ZOD_LOCALES } from '../i18n/messages.js'
import { EXPECTATIONS } from '../i18n/expectations.js'
import { definitionOf, type CommandDefinition } from '../metadata/controller-metadata.js'
import { helpController, type HelpOptions } from './help-controller.js'

class Users {}

function command(name: string, options: CommandDefinition['options'] = {}): CommandDefinition {
  return { method: name, name, options, params: [], guards: [] }
}

function registryWith(...commands: [CommandDefinition, Scene[]?][]): CommandRegistry {
  const registry = new CommandRegistry(true, '/')
  for (const [definition, scenes] of commands) registry.add(Users.prototype, definition, scenes)
  return registry
}

const options: HelpOptions = { helpNames: ['help', '帮助'], displayPrefix: '/', messages: MESSAGES.en }

/** Registers the help controller in `registry` and answers `content` (after the prefix) in `scene`. */
async function ask(registry: CommandRegistry, content: string, scene: Scene = 'group'): Promise<ReplyContent[]> {
  const Help = helpController(registry, options)!
  for (const definition of definitionOf(Help)!.commands)
    registry.add(Help.prototype, definition, definitionOf(Help)!.options.scenes)
  const help = new Help() as unknown as ControllerInstance
  const invoker = new Invoker(
    { instanceFor: () => help },
    {
      ...options,
      zodLocale: ZOD_LOCALES.en,
      expectations: EXPECTATIONS.en,
      extraArguments: undefined,
      sceneNames: SCENE_NAMES.en,
      onCommandError: undefined,
    },
  )
  const sent: ReplyContent[] = []
  const client = { reply: async (_: unknown, reply: ReplyContent) => void sent.push(reply) } as unknown as QQBotClient
  const [word, ...rest] = content.trim().split(' ')
  const found = registry.find(word!)!
  const context = new CommandContext({
    event: { name: 'GROUP_AT_MESSAGE_CREATE', data: { content: `/${content}` } } as unknown as DispatchedEvent,
    client,
    scene,
    command: found.definition.name,
    argsText: rest.join(' '),
    store: new Map(),
    messages: MESSAGES.en,
    conversations: new PromptRegistry(),
  })
  await invoker.invoke(found, context)
  return sent
}

describe('the built-in help controller', () => {
  it('GIVEN user commands THEN it is a controller answering to the help names in the scenes those commands use', () => {
    const Help = helpController(registryWith([command('roll'), ['group']], [command('note'), ['c2c']]), options)!
    const definition = definitionOf(Help)!
    expect(definition.decorated).toBe(true)
    expect(definition.options.scenes?.sort()).toEqual(['c2c', 'group'])
    expect(definition.commands.map((help) => [help.name, help.options.aliases])).toEqual([['help', ['帮助']]])
  })

  it('GIVEN a user command or alias with a help name THEN the user command keeps it; with every name taken, or no command, there is no help', () => {
    const taken = helpController(registryWith([command('HELP')]), options)!
    expect(definitionOf(taken)!.commands.map((help) => [help.name, help.options.aliases])).toEqual([['帮助', []]])
    expect(helpController(registryWith([command('assist', { aliases: ['help', '帮助'] })]), options)).toBeUndefined()
    expect(helpController(registryWith(), options)).toBeUndefined()
    expect(helpController(registryWith([command('roll')]), { ...options, helpNames: [] })).toBeUndefined()
  })

  it('GIVEN /help THEN it lists the commands of this scene without itself; /help name explains one; an unknown name repeats the word typed', async () => {
    const commands = (): CommandRegistry =>
      registryWith([command('roll', { description: 'Roll a die' }), ['group']], [command('note'), ['c2c']])
    expect(await ask(commands(), 'help')).toEqual(['Commands:\n/roll — Roll a die'])
    expect(await ask(commands(), 'help', 'c2c')).toEqual(['Commands:\n/note'])
    expect(await ask(commands(), 'help /roll')).toEqual(['/roll\nRoll a die'])
    expect(await ask(commands(), '帮助 note')).toEqual(['There is no command called note. Send /帮助 to see them all.'])
    expect(await ask(commands(), 'HELP nope')).toEqual(['There is no command called nope. Send /HELP to see them all.'])
  })
})
