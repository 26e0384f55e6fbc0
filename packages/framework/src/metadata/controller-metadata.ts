import type { KnownEventName } from '@qqbot/core'
import type { z } from 'zod'

/** The scenes a command can be used in. */
export type Scene = 'guild' | 'dm' | 'group' | 'c2c'

export interface ControllerOptions {
  /** Only run this controller's commands in these scenes. Default: all. */
  scenes?: Scene[]
}

export interface CommandOptions {
  aliases?: string[]
  description?: string
  /** Narrows the controller's scenes for this command. */
  scenes?: Scene[]
}

/** How one handler parameter is filled. Undecorated parameters get the context. */
export type ParamDefinition =
  | { index: number; kind: 'arg'; name: string; schema: z.ZodType; description?: string }
  | { index: number; kind: 'rest'; name: string; schema: z.ZodType; description?: string }
  | { index: number; kind: 'flag'; name: string; schema: z.ZodType; short?: string; description?: string }

export interface CommandDefinition {
  method: string | symbol
  name: string
  options: CommandOptions
  params: ParamDefinition[]
}

export interface EventHandlerDefinition {
  method: string | symbol
  event: KnownEventName | string
}

/** What the decorators recorded about one controller class: a description, not a registration. */
export interface ControllerDefinition {
  options: ControllerOptions
  commands: CommandDefinition[]
  events: EventHandlerDefinition[]
  decorated: boolean
}

const definitions = new WeakMap<object, ControllerDefinition>()
const pendingParams = new WeakMap<object, Map<string | symbol, ParamDefinition[]>>()

/**
 * Metadata lives on the class (like its methods do); which classes a bot runs is decided per bot by
 * `createBot({ controllers })`, so two bots in one process never share handlers.
 */
export function definitionOf(controller: object, create = false): ControllerDefinition | undefined {
  let definition = definitions.get(controller)
  if (!definition && create) definitions.set(controller, (definition = { options: {}, commands: [], events: [], decorated: false }))
  return definition
}

/** Parameter decorators run before the method decorator; their records wait here until `@Command` collects them. */
export function addParam(prototype: object, method: string | symbol, param: ParamDefinition): void {
  let byMethod = pendingParams.get(prototype)
  if (!byMethod) pendingParams.set(prototype, (byMethod = new Map()))
  const list = byMethod.get(method) ?? []
  list.push(param)
  byMethod.set(method, list)
}

export function takeParams(prototype: object, method: string | symbol): ParamDefinition[] {
  const list = pendingParams.get(prototype)?.get(method) ?? []
  pendingParams.get(prototype)?.delete(method)
  return list.sort((a, b) => a.index - b.index)
}
