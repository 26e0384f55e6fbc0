/** What createBot says when plugins cannot be used together: one clear message each, as a PluginError with a code. */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Command, Controller, createBot, definePlugin, PluginError, type BotOptions } from '@qqbot/framework'

@Controller()
class Roll {
  @Command('roll', { aliases: ['r'] })
  roll() {
    return 'roll'
  }
}

@Controller()
class Rolling {
  @Command('rolling', { aliases: ['R'] })
  rolling() {
    return 'rolling'
  }
}

class Database {}

const build = (options: Partial<BotOptions>) => () =>
  createBot({ appId: '1', secret: 's', logLevel: 'silent', ...options })

function errorOf(run: () => unknown): PluginError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(PluginError)
    return error as PluginError
  }
  throw new Error('expected createBot to throw')
}

describe('createBot({ plugins }) refuses', () => {
  it('GIVEN a bad config value THEN one message names the plugin, the field, what was given and what is expected', () => {
    const dice = definePlugin({
      name: 'dice',
      config: z.object({ limits: z.object({ sides: z.number().int().min(2) }) }),
    })
    const error = errorOf(build({ plugins: [dice({ limits: { sides: 1 } })] }))
    expect(error.code).toBe('PLUGIN_CONFIG_INVALID')
    expect(error.plugin).toBe('dice')
    expect(error.message).toBe(
      'Plugin "dice": config field "limits.sides" is invalid: given 1; expected too small: expected number to be >=2. Fix the config passed to dice(...).',
    )
  })

  it('GIVEN a bad value in a field that may hold a secret THEN the value is not repeated', () => {
    const ai = definePlugin({ name: 'ai', config: z.object({ apiKey: z.string().min(20) }) })
    const error = errorOf(build({ plugins: [ai({ apiKey: 'sk-short-secret' })] }))
    expect(error.message).toContain('config field "apiKey" is invalid: given a value (hidden')
    expect(error.message).not.toContain('sk-short-secret')
  })

  it('GIVEN a compat range without this framework version THEN the message says which versions work', () => {
    const old = definePlugin({ name: 'old', version: '1.2.0', compat: '^2.0.0' })
    const error = errorOf(build({ plugins: [old] }))
    expect(error.code).toBe('PLUGIN_INCOMPATIBLE')
    expect(error.message).toBe(
      'Plugin "old" 1.2.0 works with @qqbot/framework versions ^2.0.0 (the lowest is 2.0.0), and this is 0.1.0. Use a release of "old" made for 0.1.0, or a framework version in ^2.0.0.',
    )
    expect(errorOf(build({ plugins: [definePlugin({ name: 'odd', compat: 'soon' })] })).message).toMatch(
      /^Plugin "odd" declares compat "soon", which is not a semver range/,
    )
    expect(() => build({ plugins: [definePlugin({ name: 'fine', compat: '^0.1.0' })] })()).not.toThrow()
  })

  it('GIVEN a missing requirement THEN the message names the plugin and what it requires', () => {
    const stats = definePlugin({ name: 'stats', requires: ['storage', Database] })
    expect(errorOf(build({ plugins: [stats] })).message).toBe(
      'Plugin "stats" requires "storage", which is neither a loaded plugin nor a service the bot or a plugin provides. Add the plugin that provides it to createBot({ plugins }) (or load it first), or register the service in createBot({ providers }).',
    )
    const storage = definePlugin({ name: 'storage' })
    const error = errorOf(build({ plugins: [stats, storage] }))
    expect(error.code).toBe('PLUGIN_REQUIREMENT_MISSING')
    expect(error.message).toMatch(/^Plugin "stats" requires Database, which no loaded plugin exports/)
    expect(() => build({ plugins: [stats, storage], providers: [Database] })()).not.toThrow()
  })

  it('GIVEN plugins requiring each other in a cycle THEN the message names the cycle', () => {
    const a = definePlugin({ name: 'a', requires: ['b'] })
    const b = definePlugin({ name: 'b', requires: ['c'] })
    const c = definePlugin({ name: 'c', requires: ['a'] })
    const error = errorOf(build({ plugins: [a, b, c] }))
    expect(error.code).toBe('PLUGIN_REQUIREMENT_CYCLE')
    expect(error.message).toMatch(/^Plugins require each other in a cycle: a → b → c → a\. /)
  })

  it('GIVEN two plugins with the same command name or alias THEN the message names both', () => {
    const dice = definePlugin({ name: 'dice', controllers: [Roll] })
    const more = definePlugin({ name: 'more-dice', controllers: [Rolling] })
    const error = errorOf(build({ plugins: [dice, more] }))
    expect(error.code).toBe('PLUGIN_COMMAND_CLASH')
    expect(error.message).toBe(
      'Plugin "dice" and plugin "more-dice" both declare the command "r". Rename it or drop the alias in one of them; a plugin never overrides another\'s command.',
    )
    expect(errorOf(build({ controllers: [Roll], plugins: [dice] })).message).toMatch(
      /^Plugin "dice" and the bot's own controllers both declare the command "roll"/,
    )
  })

  it('GIVEN the same plugin twice, or something that is not a plugin THEN it says so', () => {
    const dice = definePlugin({ name: 'dice' })
    expect(errorOf(build({ plugins: [dice, dice({})] })).code).toBe('PLUGIN_NAME_TAKEN')
    expect(errorOf(build({ plugins: [Roll as never] })).message).toMatch(/^The function Roll is not a plugin/)
  })
})
