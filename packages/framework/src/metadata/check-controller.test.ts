import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ConfigError } from '@qqbot/core'
import { createBot } from '../bot/create-bot.js'
import type { BotOptions } from '../bot/bot-options.js'
import { Arg, Command, Controller, Flag, Rest, UseGuards } from '../decorators/decorators.js'
import type { Constructor } from '../di/bot-container.js'
import { ControllerDefinitionError } from './controller-definition-error.js'

/** createBot's error for these controllers (the bot is never started: nothing connects). */
function problemOf(
  controllers: Constructor[],
  options: Partial<BotOptions> = {},
): ControllerDefinitionError | ConfigError {
  try {
    createBot({ appId: '1', secret: 's', logLevel: 'silent', controllers, ...options })
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('createBot accepted the controllers')
}

const optionalNumber = z.coerce.number().default(1)

describe('createBot checks what the decorators say', () => {
  it('GIVEN @Command with the prefix in its name THEN it names the class, the method and the name to write', () => {
    @Controller()
    class Slash {
      @Command('/ping')
      ping() {
        return 'pong'
      }
    }
    const error = problemOf([Slash])
    expect(error).toBeInstanceOf(ControllerDefinitionError)
    expect(error).toMatchObject({ controller: 'Slash', method: 'ping', code: 'CONFIG_INVALID' })
    expect(error.message).toBe(
      "Slash.ping: @Command('/ping') starts with the prefix '/', so it would answer only '//ping': write @Command('ping'); the bot adds the prefix.",
    )
    expect(problemOf([Slash], { prefixes: ['!'] }).message).toMatch(/starts with the prefix '\/'/)
  })

  it('GIVEN @Rest before an @Arg, or two @Rest THEN it says to move or keep one', () => {
    @Controller()
    class RestFirst {
      @Command('say')
      say(@Rest('text', z.string()) text: string, @Arg('times', optionalNumber) times: number) {
        return text.repeat(times)
      }
    }
    expect(problemOf([RestFirst]).message).toBe(
      "RestFirst.say: @Arg('times') comes after @Rest('text'), which takes the rest of the line: move @Rest to the last argument.",
    )
    @Controller()
    class TwoRests {
      @Command('pair')
      pair(@Rest('a', z.string()) a: string, @Rest('b', z.string()) b: string) {
        return a + b
      }
    }
    expect(problemOf([TwoRests]).message).toMatch(/^TwoRests\.pair: two @Rest \(@Rest\('a'\), @Rest\('b'\)\)/)
  })

  it('GIVEN an optional argument before a required one THEN it says to put required ones first', () => {
    @Controller()
    class Order {
      @Command('range')
      range(@Arg('from', optionalNumber) from: number, @Arg('to', z.coerce.number()) to: number) {
        return `${from}-${to}`
      }
    }
    expect(problemOf([Order]).message).toBe(
      "Order.range: the required @Arg('to') comes after the optional @Arg('from'), so it could only be given with it: put required arguments first, or make to optional too.",
    )
  })

  it('GIVEN two parameters with one name, two flags with one short, or a long short THEN each is refused', () => {
    @Controller()
    class SameName {
      @Command('x')
      x(@Arg('n', z.string()) a: string, @Flag('n', z.boolean().default(false)) b: boolean) {
        return `${a}${b}`
      }
    }
    expect(problemOf([SameName]).message).toMatch(/^SameName\.x: @Arg\('n'\) and @Flag\('n'\) share one name/)
    @Controller()
    class SameShort {
      @Command('x')
      x(
        @Flag('loud', z.boolean().default(false), { short: 'l' }) loud: boolean,
        @Flag('long', z.boolean().default(false), { short: 'l' }) long: boolean,
      ) {
        return `${loud}${long}`
      }
    }
    expect(problemOf([SameShort]).message).toBe(
      "SameShort.x: @Flag('loud') and @Flag('long') both have short 'l': give each its own.",
    )
    @Controller()
    class LongShort {
      @Command('x')
      x(@Flag('verbose', z.boolean().default(false), { short: 'vb' }) verbose: boolean) {
        return String(verbose)
      }
    }
    expect(problemOf([LongShort]).message).toMatch(
      /^LongShort\.x: @Flag\('verbose'\) has short 'vb': a short flag is one character/,
    )
  })

  it('GIVEN a parameter without a schema THEN it says to pass one instead of failing inside zod', () => {
    @Controller()
    class NoSchema {
      @Command('x')
      x(@Flag('n', undefined as unknown as z.ZodType) n: number) {
        return String(n)
      }
    }
    expect(problemOf([NoSchema]).message).toBe(
      "NoSchema.x: @Flag('n') has no zod schema (got undefined): pass one, e.g. @Flag('n', z.string()).",
    )
  })

  it('GIVEN @Arg or @UseGuards on a method without @Command THEN it names the method and the decorators', () => {
    @Controller()
    class Forgot {
      @Command('ok')
      ok() {
        return 'ok'
      }

      roll(@Arg('sides', optionalNumber) sides: number, @Flag('loud', z.boolean().default(false)) loud: boolean) {
        return `${sides}${loud}`
      }
    }
    const error = problemOf([Forgot])
    expect(error).toMatchObject({ controller: 'Forgot', method: 'roll' })
    expect(error.message).toBe(
      "Forgot.roll: @Arg('sides'), @Flag('loud') on a method that is no handler: add @Command('name') (or @OnButton) to the method, or remove them.",
    )
    @Controller()
    class GuardOnly {
      @UseGuards(async (_ctx, next) => next())
      guarded() {
        return 'g'
      }
    }
    expect(problemOf([GuardOnly]).message).toBe(
      "GuardOnly.guarded: @UseGuards(…) on a method that is no handler: add @Command('name') (or @OnButton) to the method, or remove it.",
    )
  })

  it('GIVEN @Command in a class without @Controller THEN it says the commands would never answer', () => {
    class Undecorated {
      @Command('hello')
      hello() {
        return 'hi'
      }
    }
    expect(problemOf([Undecorated]).message).toBe(
      "Undecorated is not a controller: decorate the class with @Controller(), or its @Command('hello') never answer.",
    )
  })

  it('GIVEN a well-formed controller THEN nothing is refused', () => {
    @Controller()
    class Fine {
      @Command('roll')
      roll(
        @Arg('sides', z.coerce.number()) sides: number,
        @Arg('times', optionalNumber) times: number,
        @Rest('note', z.string().optional()) note: string | undefined,
        @Flag('loud', z.boolean().default(false), { short: 'l' }) loud: boolean,
      ) {
        return `${sides}${times}${note}${loud}`
      }
    }
    expect(() => createBot({ appId: '1', secret: 's', logLevel: 'silent', controllers: [Fine] })).not.toThrow()
  })
})
