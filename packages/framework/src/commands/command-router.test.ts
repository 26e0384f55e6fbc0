import { describe, expect, it } from 'vitest'
import type { Scene } from '@qqbot/core'
import type { CommandDefinition } from '../metadata/controller-metadata.js'
import { CommandRegistry } from './command-registry.js'
import { CommandRouter, type RoutedMessage } from './command-router.js'

class Commands {}

function command(name: string, aliases: string[] = []): CommandDefinition {
  return { method: name, name, options: { aliases }, params: [], guards: [] }
}

/** A router over `roll` (aliases `r`, `掷`), `rolling`, `admin` (also a group: `admin ban`, `admin unban`/`pardon`). */
function router(options: { caseInsensitive?: boolean; prefixOptionalInDirect?: boolean } = {}) {
  const registry = new CommandRegistry(options.caseInsensitive ?? true, '/')
  registry.add(Commands.prototype, command('roll', ['r', '掷']), undefined)
  registry.add(Commands.prototype, command('rolling'), undefined)
  registry.add(Commands.prototype, command('admin'), undefined)
  registry.add(Commands.prototype, command('ban'), undefined, [], 'admin')
  registry.add(Commands.prototype, command('unban', ['pardon']), undefined, [], 'admin')
  return new CommandRouter(registry, { prefixOptionalInDirect: options.prefixOptionalInDirect ?? true })
}

function message(content: string, scene: Scene = 'guild', more: Partial<RoutedMessage> = {}): RoutedMessage {
  return { content, scene, prefixes: ['/'], mentionedByPlatform: false, ...more }
}

/** `path | rest`, or `none`: what a message routes to. */
function routeOf(target: CommandRouter, routed: RoutedMessage): string {
  const route = target.route(routed)
  return route ? `${route.command.path} | ${route.rest}` : 'none'
}

describe('CommandRouter', () => {
  it('GIVEN a prefix and a command word THEN the command and the rest as typed come back', () => {
    expect(routeOf(router(), message('/roll 20  --times 3'))).toBe('roll | 20  --times 3')
    expect(routeOf(router(), message('  /roll'))).toBe('roll | ')
    expect(routeOf(router(), message('/roll\u3000\u300020'))).toBe('roll | 20')
  })

  it('GIVEN several prefixes THEN any of them starts a command, and text without one is not a command', () => {
    const target = router()
    expect(routeOf(target, message('!roll', 'guild', { prefixes: ['/', '!'] }))).toBe('roll | ')
    expect(routeOf(target, message('。roll', 'guild', { prefixes: ['。'] }))).toBe('roll | ')
    expect(routeOf(target, message('roll 20'))).toBe('none')
    expect(routeOf(target, message('please /roll'))).toBe('none')
  })

  it('GIVEN a word that is a prefix, substring or extension of a command THEN only the exact word matches', () => {
    const target = router()
    expect(routeOf(target, message('/rolling'))).toBe('rolling | ')
    expect(routeOf(target, message('/rol 3'))).toBe('none')
    expect(routeOf(target, message('/rolls'))).toBe('none')
  })

  it('GIVEN aliases, a Chinese name and other letter cases THEN they reach the same command', () => {
    const target = router()
    expect(routeOf(target, message('/r 6'))).toBe('roll | 6')
    expect(routeOf(target, message('/掷 6'))).toBe('roll | 6')
    expect(routeOf(target, message('/ROLL'))).toBe('roll | ')
    expect(routeOf(router({ caseInsensitive: false }), message('/ROLL'))).toBe('none')
  })

  it('GIVEN __proto__, constructor or toString THEN they are words that match nothing', () => {
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      expect(routeOf(router(), message(`/${word} x`))).toBe('none')
  })

  it('GIVEN a group word THEN the subcommand is the first two words, its aliases work, and the group word alone is its own command', () => {
    const target = router()
    expect(routeOf(target, message('/admin ban bob  now'))).toBe('admin ban | bob  now')
    expect(routeOf(target, message('/ADMIN pardon bob'))).toBe('admin unban | bob')
    // `nothing` is no subcommand: the top-level `admin` command gets it as its argument
    expect(routeOf(target, message('/admin nothing'))).toBe('admin | nothing')
    expect(routeOf(target, message('/admin'))).toBe('admin | ')
    expect(routeOf(target, message('/ban bob'))).toBe('none')
  })

  it('GIVEN a group with no top-level command of its name THEN an unknown subcommand routes nowhere', () => {
    const registry = new CommandRegistry(true, '/')
    registry.add(Commands.prototype, command('ban'), undefined, [], 'mod')
    const target = new CommandRouter(registry, { prefixOptionalInDirect: true })
    expect(routeOf(target, message('/mod ban x'))).toBe('mod ban | x')
    expect(routeOf(target, message('/mod kick x'))).toBe('none')
    expect(routeOf(target, message('/mod'))).toBe('none')
  })

  it('GIVEN one-to-one chats THEN no prefix is needed, unless prefixOptionalInDirect is false', () => {
    expect(routeOf(router(), message('roll 3', 'c2c'))).toBe('roll | 3')
    expect(routeOf(router(), message('roll 3', 'dm'))).toBe('roll | 3')
    expect(routeOf(router(), message('/roll 3', 'c2c'))).toBe('roll | 3')
    expect(routeOf(router({ prefixOptionalInDirect: false }), message('roll 3', 'c2c'))).toBe('none')
    expect(routeOf(router(), message('roll 3', 'group'))).toBe('none')
  })

  it('GIVEN a message the platform marks as addressed to the bot THEN the prefix is optional there', () => {
    const target = router()
    expect(routeOf(target, message(' roll 3', 'group', { mentionedByPlatform: true }))).toBe('roll | 3')
    expect(routeOf(target, message('/roll 3', 'group', { mentionedByPlatform: true }))).toBe('roll | 3')
  })

  it('GIVEN the bot id THEN a leading mention of the bot counts as a prefix, a mention of someone else does not', () => {
    const target = router()
    expect(routeOf(target, message('<@!42> roll 3'))).toBe('none')
    target.recognizeMention('42')
    expect(routeOf(target, message('<@!42> roll 3'))).toBe('roll | 3')
    expect(routeOf(target, message('<@42>/roll 3'))).toBe('roll | 3')
    expect(routeOf(target, message('<@!7> roll 3'))).toBe('none')
    expect(routeOf(target, message('roll <@!42>'))).toBe('none')
  })

  it('GIVEN a prefix alone or only whitespace THEN nothing is routed', () => {
    expect(routeOf(router(), message('/'))).toBe('none')
    expect(routeOf(router(), message('/   '))).toBe('none')
    expect(routeOf(router(), message('', 'c2c'))).toBe('none')
  })
})
