import 'reflect-metadata'
import { inject, injectable, type InjectionToken } from 'tsyringe'
import type { KnownEventName } from '@qqbot/core'
import type { z } from 'zod'
import {
  addMethodGuards,
  addParam,
  definitionOf,
  takeMethodGuards,
  takeParams,
  type CommandOptions,
  type ControllerOptions,
  type Guard,
} from '../metadata/controller-metadata.js'

type Constructor = new (...args: never[]) => object

/** Marks a class as a controller: its `@Command` and `@OnEvent` methods become handlers; its constructor is injected. */
export function Controller(options: ControllerOptions = {}): ClassDecorator {
  return (target) => {
    const definition = definitionOf(target, true)!
    definition.options = options
    definition.decorated = true
    injectable()(target as unknown as Constructor)
  }
}

/** Marks a service class for constructor injection (tsyringe's `injectable`). */
export function Injectable(): ClassDecorator {
  return (target) => void injectable()(target as unknown as Constructor)
}

/**
 * A command: `/name args…`. Its parameters are filled by `@Arg`, `@Rest` and `@Flag`; an undecorated
 * parameter receives the `CommandContext`. The return value, if any, is sent as the reply.
 */
export function Command(name: string, options: CommandOptions = {}): MethodDecorator {
  return (prototype, method) => {
    if (typeof name !== 'string' || name.trim() === '' || /\s/.test(name)) {
      throw new TypeError(`@Command name must be one word without spaces; got ${JSON.stringify(name)}.`)
    }
    definitionOf(prototype.constructor, true)!.commands.push({
      method,
      name,
      options,
      params: takeParams(prototype, method),
      guards: takeMethodGuards(prototype, method),
    })
  }
}

/** Runs the method for every event of this name; the parameter gets the `EventContext`. */
export function OnEvent(event: KnownEventName | (string & {})): MethodDecorator {
  return (prototype, method) => {
    definitionOf(prototype.constructor, true)!.events.push({ method, event })
  }
}

/** A positional argument, parsed with `schema` (use `z.coerce.number()` for numbers; `.default()`/`.optional()` when it may be left out). */
export function Arg(name: string, schema: z.ZodType, options: { description?: string } = {}): ParameterDecorator {
  return (prototype, method, index) => addParam(prototype, method!, { index, kind: 'arg', name, schema, ...options })
}

/** The rest of the line, as typed (quotes included), from this position on. */
export function Rest(name: string, schema: z.ZodType, options: { description?: string } = {}): ParameterDecorator {
  return (prototype, method, index) => addParam(prototype, method!, { index, kind: 'rest', name, schema, ...options })
}

/** A flag: `--name value`, `--name=value`, `-s value` with `short`; a boolean schema makes `--name` a switch. */
export function Flag(
  name: string,
  schema: z.ZodType,
  options: { short?: string; description?: string } = {},
): ParameterDecorator {
  return (prototype, method, index) => addParam(prototype, method!, { index, kind: 'flag', name, schema, ...options })
}

/** Injects a dependency registered under a token (a string, symbol or class) into a constructor parameter. */
export function Inject(token: InjectionToken): ParameterDecorator {
  return inject(token) as ParameterDecorator
}

/**
 * Runs guards before a command. On a class they wrap every command of the controller; on a method, that
 * command. Order: class guards, then method guards, each in the order written.
 */
export function UseGuards(...guards: Guard[]): ClassDecorator & MethodDecorator {
  return ((target: object, method?: string | symbol) => {
    if (method === undefined) definitionOf(target, true)!.guards.push(...guards)
    else addMethodGuards(target, method, guards)
  }) as ClassDecorator & MethodDecorator
}
