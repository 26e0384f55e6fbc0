import {
  senderOf,
  type DispatchedEvent,
  type InteractionAckCode,
  type InteractionPayload,
  type QQBotClient,
  type ReplyContent,
  type Scene,
  type SendResult,
} from '@qqbot/core'
import type { MessageId, MessageParams, MessageTable } from '../i18n/messages.js'
import type { GuardContext } from '../metadata/controller-metadata.js'
import type { InteractionAck } from './interaction-ack.js'
import { detachedEventState } from '../state/bot-state.js'
import { recallTargetIn, type RecallTarget } from '../context/recall-in-chat.js'
import type { EventState, StateView } from '../state/event-state.js'
import type { NoState, StateDefinition } from '../state/state-definition.js'

/** What the bot gives each button context. */
export interface ButtonContextInit {
  event: DispatchedEvent<'INTERACTION_CREATE'>
  client: QQBotClient
  scene: Scene
  /** The pattern of the handler that matched. */
  pattern: string
  /** The `{name}` values, as clicked (strings; `@Arg` parameters get them validated). */
  params: Readonly<Record<string, string>>
  store: Map<unknown, unknown>
  messages: MessageTable
  ack: InteractionAck
  /** This click's state; default: state of its own, in memory (for contexts built outside a bot). */
  state?: EventState
  /** The state the controller declared, seen as `ctx.state`. */
  declaredState?: StateDefinition
}

/**
 * What an `@OnButton` handler gets: the click (who, where, which button and its data), `reply()` (a passive reply
 * to the interaction, in every scene) and `ack()`.
 */
export class ButtonContext<D extends StateDefinition = NoState> implements GuardContext {
  readonly event: DispatchedEvent<'INTERACTION_CREATE'>
  readonly client: QQBotClient
  readonly scene: Scene
  readonly pattern: string
  readonly params: Readonly<Record<string, string>>
  /** Storage that belongs to this bot (guards keep state here). */
  readonly store: Map<unknown, unknown>
  /** The controller's state (`@Controller({ state })`) for the user who clicked, the chat and the guild. */
  readonly state: StateView<D>
  private readonly eventState: EventState
  private readonly messages: MessageTable
  private readonly interaction: InteractionAck
  private replies = 0

  constructor(init: ButtonContextInit) {
    this.event = init.event
    this.client = init.client
    this.scene = init.scene
    this.pattern = init.pattern
    this.params = init.params
    this.store = init.store
    this.messages = init.messages
    this.interaction = init.ack
    this.eventState = init.state ?? detachedEventState(init.event)
    this.state = (init.declaredState ? this.eventState.view(init.declaredState) : {}) as StateView<D>
  }

  /** For guards: the handler's name, `button:<pattern>` (cooldowns key on it). */
  get command(): string {
    return `button:${this.pattern}`
  }

  get data(): InteractionPayload {
    return this.event.data
  }

  /** Who clicked: guild user id, group member openid or C2C user openid. */
  get userId(): string | undefined {
    return senderOf(this.event)
  }

  /** The clicked button's data (`button_data`). */
  get buttonData(): string {
    return this.event.data.data?.resolved?.button_data ?? ''
  }

  /** The clicked button's id. */
  get buttonId(): string | undefined {
    return this.event.data.data?.resolved?.button_id
  }

  /** The message carrying the button, where the platform says (guilds). */
  get messageId(): string | undefined {
    return this.event.data.data?.resolved?.message_id
  }

  /** True once `reply()` was called (the return value is then not sent). */
  get replied(): boolean {
    return this.replies > 0
  }

  /** True once the interaction was acknowledged, by `ack()` or by the framework. */
  get acked(): boolean {
    return this.interaction.code !== undefined
  }

  /** The state of any declaration for this click; saved like `state`. */
  stateOf<S extends StateDefinition>(definition: S): StateView<S> {
    return this.eventState.view(definition)
  }

  /**
   * Acknowledges the click with `code` (0 ok, 1 failed, 2 too frequent, 3 duplicate, 4 no permission, 5 admins
   * only) instead of the code the framework would derive from the outcome. Once only: a second call, or one
   * after the framework acknowledged (`buttons.ackAfterMs` into a slow handler), rejects with
   * `InteractionAlreadyAckedError`.
   */
  ack(code: InteractionAckCode = 0): Promise<void> {
    return this.interaction.send(code)
  }

  /** Replies to the click where it happened (a passive reply naming the interaction: `event_id`). */
  reply(content: ReplyContent): Promise<SendResult> {
    this.replies++
    return this.client.reply(this.event, content)
  }

  /**
   * Recalls a message the bot sent: what `reply()` resolved with, or a message id in the chat of the click
   * (`messageId` is the message carrying the button, where the platform gives it).
   */
  recall(message: RecallTarget): Promise<void> {
    return this.client.recall(recallTargetIn(this.event, message))
  }

  /** Replies with one of the framework's texts, in the bot's language (and overrides). */
  say(id: string, params: MessageParams = {}): Promise<SendResult> {
    const render = this.messages[id as MessageId]
    if (!render) return Promise.reject(new TypeError(`Unknown message id ${id}.`))
    return this.reply(render(params))
  }
}
