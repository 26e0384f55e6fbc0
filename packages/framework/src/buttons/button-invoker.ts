import {
  sceneOf,
  type DispatchedEvent,
  type InteractionAckCode,
  type InteractionPayload,
  type ReplyContent,
  type QQBotClient,
} from '@qqbot/core'
import { defineCounter } from '@qqbot/core/adapter'
import type { z } from 'zod'
import { isReply, type ControllerInstances } from '../commands/invoker.js'
import type { MessageTable } from '../i18n/messages.js'
import type { Clock } from '../util/clock.js'
import { compose } from '../util/compose.js'
import { definitionOf } from '../metadata/controller-metadata.js'
import type { BotState } from '../state/bot-state.js'
import type { EventState } from '../state/event-state.js'
import { ButtonContext } from './button-context.js'
import type { ButtonRegistry, RegisteredButton } from './button-registry.js'
import { InteractionAck } from './interaction-ack.js'

/** Button clicks no handler took, by scene and reason (`no_handler`, `wrong_scene`). */
export const INTERACTIONS_UNMATCHED = defineCounter(
  'interactions_unmatched',
  'Button clicks no @OnButton handler took (acknowledged with code 1), by scene and reason (no_handler, wrong_scene)',
)

/**
 * The codes the framework acknowledges with when the handler did not choose one: 0 the handler returned;
 * 1 it threw, a guard threw, its `@Arg` values were invalid, or no handler matched the click; 4 a guard refused
 * (without acknowledging itself). A handler still running after `buttons.ackAfterMs` is acknowledged with 0.
 */
export const AUTO_ACK_CODES = Object.freeze({ ok: 0, failed: 1, unmatched: 1, refused: 4 } as const)

/** What the invoker needs from the bot. */
export interface ButtonInvokerDeps {
  client: QQBotClient
  registry: ButtonRegistry
  instances: ControllerInstances
  /** Where a handler's guards keep their state (its plugin's store). */
  storeFor: (handler: RegisteredButton) => Map<unknown, unknown>
  /** The bot's state: each click gets its own view, saved after the handler. */
  state: BotState
  messages: MessageTable
  zodLocale: z.core.$ZodErrorMap
  clock: Clock
  ackAfterMs: number
}

/** What a handler run came to, when it did not throw. */
type Outcome = { code: InteractionAckCode; reply?: ReplyContent }

/**
 * Runs button clicks (INTERACTION_CREATE type 11): routes the data to its handler, runs guards, validates the
 * `{name}` values, calls the handler, and acknowledges the interaction exactly once, with the handler's own
 * code or one derived from the outcome ({@link AUTO_ACK_CODES}), within the platform's 5 s.
 */
export class ButtonInvoker {
  constructor(private readonly deps: ButtonInvokerDeps) {}

  async handle(event: DispatchedEvent): Promise<void> {
    const d = event.data as InteractionPayload
    if (Number(d.type ?? d.data?.type) !== 11) return
    const interactionId = typeof d.id === 'string' && d.id !== '' ? d.id : event.id
    if (!interactionId) return
    const { client, registry } = this.deps
    const ack = new InteractionAck(interactionId, client)
    const scene = sceneOf(event)
    const route = registry.route(d.data?.resolved?.button_data ?? '', scene)
    if (!route.handler) {
      client.metricsRegistry.inc(INTERACTIONS_UNMATCHED, { scene: scene ?? 'unknown', reason: route.reason })
      return ack.settle(AUTO_ACK_CODES.unmatched)
    }
    const state = this.deps.state.forEvent(event)
    const context = new ButtonContext({
      event: event as DispatchedEvent<'INTERACTION_CREATE'>,
      client,
      scene: scene!,
      pattern: route.handler.definition.pattern.source,
      params: route.params,
      store: this.deps.storeFor(route.handler),
      messages: this.deps.messages,
      ack,
      state,
      declaredState: definitionOf(route.handler.controller.constructor)?.options.state,
    })
    await this.run(route.handler, context, ack, state)
  }

  private async run(
    handler: RegisteredButton,
    context: ButtonContext,
    ack: InteractionAck,
    state: EventState,
  ): Promise<void> {
    const { clock, ackAfterMs } = this.deps
    // The platform takes an acknowledgement only within 5 s: a slow handler's click is acknowledged as ok.
    const timer = clock.setTimeout(() => void ack.settle(AUTO_ACK_CODES.ok), ackAfterMs)
    let outcome: Outcome = { code: AUTO_ACK_CODES.refused }
    try {
      const label = `a guard of @OnButton(${JSON.stringify(context.pattern)})`
      await compose(handler.guards, context, async () => void (outcome = await this.call(handler, context)), label)
      // Saved before the acknowledgement and the reply, like a command's: a failed save is a failed click.
      await state.save()
    } catch (error) {
      clock.clearTimeout(timer)
      await ack.settle(AUTO_ACK_CODES.failed)
      throw error
    }
    clock.clearTimeout(timer)
    await ack.settle(outcome.code)
    if (outcome.reply !== undefined) await context.reply(outcome.reply)
  }

  private async call(handler: RegisteredButton, context: ButtonContext): Promise<Outcome> {
    const { definition } = handler
    const values = new Map<number, unknown>()
    for (const param of definition.params) {
      const result = param.schema.safeParse(context.params[param.name], { error: this.deps.zodLocale })
      if (!result.success) {
        // Button data is written by the bot, so bad values mean an old keyboard or a forged click: no reply.
        this.deps.client.logger.debug(
          { pattern: context.pattern, param: param.name, issue: result.error.issues[0]?.message },
          'button click with an invalid parameter',
        )
        return { code: AUTO_ACK_CODES.failed }
      }
      values.set(param.index, result.data)
    }
    const target = this.deps.instances.instanceFor(handler.controller, ButtonContext, context)
    const method = target[definition.method]!
    const arity = Math.max(method.length, ...definition.params.map((param) => param.index + 1))
    const args = Array.from({ length: arity }, (_, index) => (values.has(index) ? values.get(index) : context))
    const result: unknown = await method.apply(target, args)
    return { code: AUTO_ACK_CODES.ok, reply: !context.replied && isReply(result) ? result : undefined }
  }
}
