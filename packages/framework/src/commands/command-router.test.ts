import { describe, expect, it } from 'vitest'
import type { Scene } from '@qqbot/core'
import type { CommandDefinition } from '../metadata/controller-metadata.js'
import { CommandRegistry } from './command-registry.js'
import { CommandRouter, type RoutedMessage } from './command-router.js'
import { resolveDidYouMean, type ResolvedDidYouMean } from './did-you-mean.js'

class Commands {}

function command(name: string, aliases: string[] = []): CommandDefinition {
  return { method: name, name, options: { aliases }, params: [], guards: [] }
}

/** A router over `roll` (aliases `r`, `掷`), `rolling`, `admin` (also a group: `admin ban`, `admin unban`/`pardon`). */
function router(
  options: { caseInsensitive?: boolean; prefixOptionalInDirect?: boolean; didYouMean?: ResolvedDidYouMean } = {},
) {
  const registry = new CommandRegistry(options.caseInsensitive ?? true, '/')
  registry.add(Commands.prototype, command('roll', ['r', '掷']), undefined)
  registry.add(Commands.prototype, command('rolling'), undefined)
  registry.add(Commands.prototype, command('admin'), undefined)
  registry.add(Commands.prototype, command('ban'), undefined, [], 'admin')
  registry.add(Commands.prototype, command('unban', ['pardon']), undefined, [], 'admin')
  return new CommandRouter(registry, {
    prefixOptionalInDirect: options.prefixOptionalInDirect ?? true,
    caseInsensitive: options.caseInsensitive ?? true,
    didYouMean: options.didYouMean,
  })
}

function message(content: string, scene: Scene = 'guild', more: Partial<RoutedMessage> = {}): RoutedMessage {
  return { content, scene, prefixes: ['/'], mentionedByPlatform: false, ...more }
}

/** `path | rest`, or `none`: what a message routes to. */
function routeOf(target: CommandRouter, routed: RoutedMessage): string {
  const route = target.route(routed)
  if (!route) return 'none'
  return route.command ? `${route.command.path} | ${route.rest}` : `unknown ${route.typed}, suggest ${route.suggestion}`
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
    const target = new CommandRouter(registry, {
      prefixOptionalInDirect: true,
      caseInsensitive: true,
      didYouMean: undefined,
    })
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

  describe('did you mean', () => {
    const suggesting = () => router({ didYouMean: resolveDidYouMean(true) })

    it('GIVEN a prefixed word one or two mistakes from a name or alias THEN the closest command is suggested with the typed prefix', () => {
      const target = suggesting()
      expect(routeOf(target, message('/rol 3'))).toBe('unknown /rol, suggest /roll')
      expect(routeOf(target, message('/rlol'))).toBe('unknown /rlol, suggest /roll') // two letters swapped
      expect(routeOf(target, message('/RLOL'))).toBe('unknown /RLOL, suggest /roll')
      expect(routeOf(target, message('!rolingg', 'guild', { prefixes: ['/', '!'] }))).toBe(
        'unknown !rolingg, suggest !rolling',
      )
      expect(routeOf(target, message('/pardno', 'guild'))).toBe('none') // `pardon` is only a subcommand
      // `admin` is a command too: it takes the word that is no subcommand as its argument
      expect(routeOf(target, message('/admin pardno'))).toBe('admin | pardno')
    })

    it('GIVEN a group with no command of its own name THEN a mistyped subcommand gets the closest one', () => {
      const registry = new CommandRegistry(true, '/')
      registry.add(Commands.prototype, command('unban', ['pardon']), undefined, [], 'mod')
      const target = new CommandRouter(registry, {
        prefixOptionalInDirect: true,
        caseInsensitive: true,
        didYouMean: resolveDidYouMean(true),
      })
      expect(routeOf(target, message('/mod pardno x'))).toBe('unknown /mod pardno, suggest /mod pardon')
      expect(routeOf(target, message('/mdo unban'))).toBe('none')
    })

    it('GIVEN a word too far from every command, or a short one THEN nothing is suggested', () => {
      const target = suggesting()
      expect(routeOf(target, message('/weather'))).toBe('none')
      expect(routeOf(target, message('/x'))).toBe('none') // one letter from the alias `r`, but one letter is no evidence
      expect(routeOf(target, message('/rl'))).toBe('none')
    })

    it('GIVEN text without a prefix (plain chat in a direct chat, or an @-message) THEN nothing is suggested', () => {
      const target = suggesting()
      expect(routeOf(target, message('rol 3', 'c2c'))).toBe('none')
      expect(routeOf(target, message('rol 3', 'group', { mentionedByPlatform: true }))).toBe('none')
      expect(routeOf(target, message('/rol 3', 'c2c'))).toBe('unknown /rol, suggest /roll')
    })

    it('GIVEN didYouMean off, or on in other scenes only THEN a near miss routes nowhere', () => {
      expect(routeOf(router(), message('/rol'))).toBe('none')
      const c2cOnly = router({ didYouMean: resolveDidYouMean({ scenes: ['c2c'] }) })
      expect(routeOf(c2cOnly, message('/rol', 'group'))).toBe('none')
      expect(routeOf(c2cOnly, message('/rol', 'c2c'))).toBe('unknown /rol, suggest /roll')
      const strict = router({ didYouMean: resolveDidYouMean({ maxDistance: 1 }) })
      expect(routeOf(strict, message('/rlol'))).toBe('unknown /rlol, suggest /roll')
      expect(routeOf(strict, message('/rolilng'))).toBe('unknown /rolilng, suggest /rolling')
      expect(routeOf(strict, message('/rxllinx'))).toBe('none')
    })

    it('GIVEN bad didYouMean options THEN they are refused with what is allowed', () => {
      expect(() => resolveDidYouMean({ maxDistance: 0 })).toThrow(/maxDistance must be a whole number of at least 1/)
      expect(() => resolveDidYouMean({ scenes: ['chat' as Scene] })).toThrow(/unknown scenes \["chat"\]/)
    })
  })
})
