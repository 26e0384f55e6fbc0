import type { InteractionAckCode, KnownEventName, MessageBody, Scene } from '@qqbot/core'
import type { z } from 'zod'
import type { ButtonPattern } from '../buttons/button-pattern.js'
import type { ControllerLifetime } from '../di/lifetime.js'
import type { StateView } from '../state/event-state.js'
import type { StateDefinition } from '../state/state-definition.js'

// The scenes a command can be used in are the core's; re-exported for the framework's own modules and entry.

export interface ControllerOptions {
  /** Only run this controller's commands in these scenes. Default: all. */
  scenes?: Scene[]
  /**
   * `singleton` (default): one instance per bot. `event`: a new instance for every event, built in the event's
   * scope, where `event`-lifetime services and the event's context (`CommandContext`, `EventContext`) can be
   * injected. See `Lifetime`.
   */
  lifetime?: ControllerLifetime
  /** Makes every command a subcommand: with `group: 'admin'`, `@Command('ban')` answers `/admin ban`. Class guards guard the group. */
  group?: string
  /**
   * The state its handlers get as `ctx.state` (declared with `defineState`); type the context
   * `CommandContext<typeof MyState>` to see its fields. Default: none.
   */
  state?: StateDefinition
}

export interface CommandOptions {
  aliases?: string[]
  description?: string
  /** Narrows the controller's scenes for this command. */
  scenes?: Scene[]
  /**
   * Whether the command keeps its place in line with the user's other events in the chat (the bot's
   * `pipeline.order`): it waits for the ones before it, and the ones after it wait for it. Default true. `false`
   * runs it as soon as a handler slot is free, alongside them: for commands that read and change nothing a
   * conversation depends on (`/status`, `/ping`).
   */
  ordered?: boolean
  /** Words typed after the last argument: `'refuse'` or `'ignore'` them. Default: the bot's `extraArguments`. */
  extraArguments?: 'refuse' | 'ignore'
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
  /** Guards on this method, outermost first. */
  guards: Guard[]
}

/**
 * A Koa-style guard around a command: call `next()` to continue (to the next guard, then the handler);
 * return without calling it to stop. A guard may reply itself (`ctx.reply(...)`).
 */
export type Guard = (ctx: GuardContext, next: () => Promise<void>) => unknown

/** What a guard sees: the command context (kept structural here so metadata does not import the runtime). */
export interface GuardContext {
  readonly scene: Scene
  readonly command: string
  readonly userId: string | undefined
  readonly event: { readonly name: string; readonly data: unknown }
  /** Storage that belongs to this bot (cooldowns keep their clocks here, so two bots never share them). */
  readonly store: Map<unknown, unknown>
  /** The state of `definition` for this event's user, chat and guild (read lazily, saved after the command). */
  stateOf<D extends StateDefinition>(definition: D): StateView<D>
  /** Replies in the bot's language by message id. */
  say(id: string, params?: Record<string, string | number | undefined>): Promise<unknown>
  /** Replies with any text or message body (a passive reply to the command's message). */
  reply(content: string | MessageBody): Promise<unknown>
  /**
   * Button clicks only: acknowledges the interaction with this code (2 too frequent, 4 no permission, 5 admins
   * only, …). A guard that refuses without it leaves the code to the framework: 4.
   */
  ack?(code: InteractionAckCode): Promise<void>
}

export interface ButtonHandlerOptions {
  /** Narrows the controller's scenes for this handler; a click elsewhere is answered as unmatched. */
  scenes?: Scene[]
}

/** An `@OnButton` method: the pattern its clicks' `button_data` must match, and its `@Arg` parameters by name. */
export interface ButtonHandlerDefinition {
  method: string | symbol
  pattern: ButtonPattern
  options: ButtonHandlerOptions
  params: ParamDefinition[]
  /** Guards on this method, outermost first. */
  guards: Guard[]
}

export interface EventHandlerDefinition {
  method: string | symbol
  event: KnownEventName | string
}

/** What the decorators recorded about one controller class: a description, not a registration. */
export interface ControllerDefinition {
  options: ControllerOptions
  /** Guards on the whole class, outermost first; they run before method guards. */
  guards: Guard[]
  commands: CommandDefinition[]
  events: EventHandlerDefinition[]
  buttons: ButtonHandlerDefinition[]
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
  if (!definition && create)
    definitions.set(
      controller,
      (definition = { options: {}, guards: [], commands: [], events: [], buttons: [], decorated: false }),
    )
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

const pendingGuards = new WeakMap<object, Map<string | symbol, Guard[]>>()

/**
 * Method decorators apply bottom-up, and `@UseGuards` may sit above or below `@Command`, so method guards
 * wait here and `@Command` (or the bot, at registration) collects them.
 */
export function addMethodGuards(prototype: object, method: string | symbol, guards: Guard[]): void {
  const definition = definitionOf(prototype.constructor)
  const handler =
    definition?.commands.find((candidate) => candidate.method === method) ??
    definition?.buttons.find((candidate) => candidate.method === method)
  if (handler) {
    handler.guards.unshift(...guards)
    return
  }
  let byMethod = pendingGuards.get(prototype)
  if (!byMethod) pendingGuards.set(prototype, (byMethod = new Map()))
  byMethod.set(method, [...guards, ...(byMethod.get(method) ?? [])])
}

export function takeMethodGuards(prototype: object, method: string | symbol): Guard[] {
  const guards = pendingGuards.get(prototype)?.get(method) ?? []
  pendingGuards.get(prototype)?.delete(method)
  return guards
}

/** The decorator behind each kind of parameter, as error texts name it. */
export const PARAM_DECORATORS: Record<ParamDefinition['kind'], string> = { arg: 'Arg', rest: 'Rest', flag: 'Flag' }

/**
 * Parameter decorators and method guards no `@Command` or `@OnButton` collected: decorations on a method that
 * is no handler (a mistake `createBot` reports). Empty when every decorated method is a handler.
 */
export function uncollectedDecorations(prototype: object): { method: string | symbol; decorators: string[] }[] {
  const methods = new Map<string | symbol, string[]>()
  for (const [method, params] of pendingParams.get(prototype) ?? [])
    for (const param of [...params].sort((a, b) => a.index - b.index))
      methods.set(method, [...(methods.get(method) ?? []), `@${PARAM_DECORATORS[param.kind]}('${param.name}')`])
  for (const [method, guards] of pendingGuards.get(prototype) ?? [])
    if (guards.length > 0) methods.set(method, [...(methods.get(method) ?? []), '@UseGuards(…)'])
  return [...methods].map(([method, decorators]) => ({ method, decorators }))
}
