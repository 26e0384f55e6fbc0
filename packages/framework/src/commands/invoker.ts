import type { InjectionToken } from 'tsyringe'
import type { ReplyContent, Scene } from '@qqbot/core'
import type { ResolvedBotOptions } from '../bot/bot-options.js'
import { CommandContext } from '../context/contexts.js'
import { PromptCancelledError, PromptTimeoutError } from '../conversation/prompt-registry.js'
import type { ControllerInstance } from '../di/bot-container.js'
import type { EventState } from '../state/event-state.js'
import { StreamSourceError } from '../streaming/stream-text.js'
import { isTextSource } from '../streaming/text-source.js'
import { compose } from '../util/compose.js'
import { isRateLimitGuard } from '../guards/rate-limit-mark.js'
import { parseArguments, type ArgumentFailure, type ParsedArguments } from './argument-parser.js'
import type { RegisteredCommand } from './command-registry.js'

/** Where the invoker gets the controller instance that runs a command (the bot's container). */
export interface ControllerInstances {
  instanceFor<T>(prototype: object, contextToken: InjectionToken<T>, context: T): ControllerInstance
}

export type InvokerOptions = Pick<
  ResolvedBotOptions,
  'messages' | 'zodLocale' | 'expectations' | 'extraArguments' | 'sceneNames' | 'displayPrefix' | 'onCommandError'
>

/**
 * Runs a routed command in its context and turns every outcome into what the user sees: a command of another
 * scene says where it works; guards run (Koa-style) before the handler, and before bad arguments are answered
 * (so a refused user gets no usage hints); bad arguments are answered with what was typed, what is expected and
 * the usage; the handler gets its values (an
 * undecorated parameter gets the context) on the instance the container gives; its return value becomes the
 * reply (a returned text source is streamed); its error becomes a short message and is thrown on, to be
 * logged and counted by the pipeline.
 */
export class Invoker {
  constructor(
    private readonly instances: ControllerInstances,
    private readonly options: InvokerOptions,
  ) {}

  /**
   * `state`, when given, is saved after the handler returns (before its reply) or after a guard stopped it.
   * Arguments are parsed first; when they are wrong, the guards still run (a refused user gets no usage hint)
   * except rate limits (a cooldown neither hides the mistake nor starts on it), and then the user hears it.
   */
  async invoke(command: RegisteredCommand, context: CommandContext, state?: EventState): Promise<void> {
    if (command.scenes && !command.scenes.includes(context.scene)) return this.refuseScene(command.scenes, context)
    const parsed = this.parse(command, context)
    const guards = parsed.ok ? command.guards : command.guards.filter((guard) => !isRateLimitGuard(guard))
    const next = parsed.ok
      ? () => this.call(command, parsed.values, context, state)
      : () => this.refuseArguments(command, parsed.failure, context)
    await compose(guards, context, next, `a guard of /${context.command}`)
    if (state?.touched) await this.saveState(state, context)
  }

  /** The command exists, but not here: say where it works (an override returning '' keeps the bot silent). */
  private async refuseScene(scenes: readonly Scene[], context: CommandContext): Promise<void> {
    const { names, join } = this.options.sceneNames
    const text = this.options.messages.WRONG_SCENE({
      name: `${this.options.displayPrefix}${context.command}`,
      where: join(scenes.map((scene) => names[scene])),
    })
    if (text) await context.reply(text)
  }

  private parse(command: RegisteredCommand, context: CommandContext): ParsedArguments {
    const { zodLocale, expectations, extraArguments } = this.options
    return parseArguments(context.argsText, command.definition.params, command.syntax, {
      zodLocale,
      expectations,
      extraArguments: command.definition.options.extraArguments ?? extraArguments,
    })
  }

  private async refuseArguments(
    command: RegisteredCommand,
    { id, ...params }: ArgumentFailure,
    context: CommandContext,
  ): Promise<void> {
    await context.reply(this.options.messages[id]({ ...params, usage: command.usage }))
  }

  private async call(
    command: RegisteredCommand,
    values: ReadonlyMap<number, unknown>,
    context: CommandContext,
    state?: EventState,
  ): Promise<void> {
    const { definition } = command
    const target = this.instances.instanceFor(command.controller, CommandContext, context)
    const method = target[definition.method]!
    const arity = Math.max(method.length, ...definition.params.map((param) => param.index + 1))
    const args = Array.from({ length: arity }, (_, index) => (values.has(index) ? values.get(index) : context))
    let result: unknown
    try {
      result = await method.apply(target, args)
    } catch (error) {
      state?.discard()
      if (error instanceof StreamSourceError) throw error
      await this.answerFailure(error, context)
      if (error instanceof PromptTimeoutError || error instanceof PromptCancelledError) return
      throw error
    }
    if (state?.touched) await this.saveState(state, context)
    // A returned text source (an LLM's chunks) is streamed; its failure is answered by the stream itself.
    if (!context.replied && isTextSource(result)) return void (await context.stream(result))
    if (!context.replied && isReply(result)) await context.reply(result)
  }

  /** Saves what the command changed; a failed save is answered and thrown on like a handler error. */
  private async saveState(state: EventState | undefined, context: CommandContext): Promise<void> {
    if (!state?.touched) return
    try {
      await state?.save()
    } catch (error) {
      await this.answerFailure(error, context)
      throw error
    }
  }

  /** What the user hears when the handler threw; a reply that cannot be sent changes nothing. */
  private async answerFailure(error: unknown, context: CommandContext): Promise<void> {
    if (error instanceof PromptTimeoutError) return void (await context.say('PROMPT_TIMEOUT').catch(() => undefined))
    if (error instanceof PromptCancelledError) {
      // Stopping says nothing; an unloaded plugin's user was already told the command changed.
      if (error.reason === 'user' || error.reason === 'superseded')
        await context.say('PROMPT_CANCELLED').catch(() => undefined)
      return
    }
    // The user gets a short generic answer; the error itself is logged and counted by the pipeline.
    const { onCommandError, messages } = this.options
    const answer = onCommandError
      ? await Promise.resolve()
          .then(() => onCommandError(error, context))
          .catch(() => undefined)
      : undefined
    if (answer !== null) await context.reply(answer ?? messages.HANDLER_FAILED({})).catch(() => undefined)
  }
}

/** A handler's return value that is sent as the reply: a non-empty string, or a message body or media. */
export function isReply(value: unknown): value is ReplyContent {
  if (typeof value === 'string') return value !== ''
  if (typeof value !== 'object' || value === null) return false
  return ['content', 'markdown', 'ark', 'embed', 'media', 'image', 'video', 'voice', 'file', 'keyboard'].some(
    (key) => key in value,
  )
}
