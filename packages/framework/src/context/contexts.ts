import {
  senderOf,
  textOf,
  type DispatchedEvent,
  type EventPayloadMap,
  type KnownEventName,
  type MessageEventName,
  type QQBotClient,
  type ReplyContent,
  type ReplyStream,
  type Scene,
  type SendResult,
  type StreamCallOptions,
  type StreamResult,
} from '@qqbot/core'
import type { GuardContext } from '../metadata/controller-metadata.js'
import type { MessageId, MessageParams, MessageTable } from '../i18n/messages.js'
import type { PromptOptions, PromptRegistry } from '../conversation/prompt-registry.js'
import type { NoState, StateDefinition } from '../state/state-definition.js'
import type { EventState, StateView } from '../state/event-state.js'
import { detachedEventState } from '../state/bot-state.js'
import { pipeText } from '../streaming/stream-text.js'
import { recallTargetIn, type RecallTarget } from './recall-in-chat.js'
import type { TextSource } from '../streaming/text-source.js'

/** `ctx.state` of a controller that declares none: one frozen object for every event. */
const NO_STATE = Object.freeze({})
/** What the bot gives each command context. */
export interface CommandContextInit {
  event: DispatchedEvent
  client: QQBotClient
  scene: Scene
  command: string
  argsText: string
  store: Map<unknown, unknown>
  messages: MessageTable
  conversations: PromptRegistry
  /** This event's state; default: state of its own, in memory (for contexts built outside a bot). */
  state?: EventState
  /** The state the controller declared, seen as `ctx.state`. */
  declaredState?: StateDefinition
  /** The plugin the command belongs to: the questions and streams it opens are cancelled or finished with it. */
  owner?: ContextOwner
}

/** What owns a command's questions and streams (its plugin), so that unloading it can end them. */
export interface ContextOwner {
  trackStream(stream: ReplyStream): void
}

/**
 * What a command handler gets: the message, where it came from, who sent it, `reply()`, and the controller's
 * state, typed by naming its declaration: `ctx: CommandContext<typeof MyState>`.
 */
export class CommandContext<D extends StateDefinition = NoState> implements GuardContext {
  readonly event: DispatchedEvent
  readonly client: QQBotClient
  readonly scene: Scene
  /** The command name as registered (not the alias typed). */
  readonly command: string
  /** The text after the command word, as typed. */
  readonly argsText: string
  /** Storage that belongs to this bot (guards keep state here). */
  readonly store: Map<unknown, unknown>
  /** The controller's state (`@Controller({ state })`) for this user, chat and guild; see docs/state.md. */
  readonly state: StateView<D>
  private readonly messages: MessageTable
  private readonly eventState: EventState
  private readonly conversations: PromptRegistry
  private readonly owner: ContextOwner | undefined
  /** The message replies go to: the command, or the latest answer to `prompt()`. */
  private current: DispatchedEvent
  private repliesSinceAnswer = 0

  constructor(init: CommandContextInit) {
    this.event = init.event
    this.client = init.client
    this.scene = init.scene
    this.command = init.command
    this.argsText = init.argsText
    this.store = init.store
    this.messages = init.messages
    this.conversations = init.conversations
    this.owner = init.owner
    this.current = init.event
    this.eventState = init.state ?? detachedEventState(init.event)
    this.state = (init.declaredState ? this.eventState.view(init.declaredState) : NO_STATE) as StateView<D>
  }

  /** The sender: guild user id, group member openid, or C2C user openid. */
  get userId(): string | undefined {
    return senderOf(this.event)
  }

  /** Message text as received. */
  get content(): string {
    return (this.event.data as { content?: string }).content ?? ''
  }

  /** True once `reply()` was called since the user's latest message (the return value is then not sent). */
  get replied(): boolean {
    return this.repliesSinceAnswer > 0
  }

  /** The state of any declaration (a plugin's, or one a guard shares) for this event; saved like `state`. */
  stateOf<S extends StateDefinition>(definition: S): StateView<S> {
    return this.eventState.view(definition)
  }

  /**
   * Asks a question and waits for the same user's next message in the same chat; resolves with its text.
   * Rejects with `PromptTimeoutError` or `PromptCancelledError` (the bot then tells the user, unless you
   * catch it). Later replies answer the user's last message, so they stay inside the passive-reply window.
   */
  async prompt(question: ReplyContent, options: PromptOptions = {}): Promise<string> {
    // Listen before asking: a quick answer (or a stop) must not slip in between.
    const waiting = this.conversations.wait(this.current, options, this.command, this.owner)
    // Cancellation may land while the question is still being sent; `await waiting` below still sees it.
    waiting.catch(() => undefined)
    // Asked only once recorded: an answer to a question sent always finds its record if this process is gone.
    await this.conversations.recorded(this.current)
    try {
      await this.reply(question)
    } catch (error) {
      this.conversations.abandon(this.current)
      throw error
    }
    const answer = await waiting
    this.current = answer
    this.repliesSinceAnswer = 0
    return textOf(answer) ?? ''
  }

  /** Replies with one of the framework's texts, in the bot's language (and overrides). */
  say(id: string, params: MessageParams = {}): Promise<SendResult> {
    const render = this.messages[id as MessageId]
    if (!render) return Promise.reject(new TypeError(`Unknown message id ${id}.`))
    return this.reply(render(params))
  }

  /** Replies in place as a passive reply (msg_id, msg_seq handled). */
  reply(content: ReplyContent): Promise<SendResult> {
    this.repliesSinceAnswer++
    return this.client.reply(this.current, content)
  }

  /**
   * Recalls a message the bot sent: what `reply()` resolved with, or a message id in this chat. In groups and
   * C2C only the bot's own messages, within 2 minutes of sending (`RecallWindowClosedError`,
   * `RecallNotOwnMessageError` from `@qqbot/core`).
   */
  recall(message: RecallTarget): Promise<void> {
    return this.client.recall(recallTargetIn(this.current, message))
  }

  /**
   * Replies with text that arrives in pieces (an LLM's answer): one message that grows in C2C, the whole
   * text as ordinary replies elsewhere. A command may also just return the source. When the source throws,
   * the reply ends with what arrived and the `STREAM_FAILED` line, and this rejects with `StreamSourceError`.
   */
  stream(source: TextSource, options?: StreamCallOptions): Promise<StreamResult> {
    this.repliesSinceAnswer++
    const stream = this.client.stream(this.current, options)
    this.owner?.trackStream(stream)
    return pipeText(stream, source, this.messages.STREAM_FAILED({}))
  }
}

/** What an `@OnEvent` handler gets: the typed event, the controller's state, and `reply()` where the event allows one. */
export class EventContext<N extends KnownEventName | string = string, D extends StateDefinition = NoState> {
  /** The controller's state for the event's user, chat and guild (where the event has them). */
  readonly state: StateView<D>
  private readonly eventState: EventState

  constructor(
    readonly event: DispatchedEvent<N>,
    readonly client: QQBotClient,
    state: { state?: EventState; declaredState?: StateDefinition } = {},
  ) {
    this.eventState = state.state ?? detachedEventState(event)
    this.state = (state.declaredState ? this.eventState.view(state.declaredState) : NO_STATE) as StateView<D>
  }

  get data(): N extends KnownEventName ? EventPayloadMap[N] : unknown {
    return this.event.data as N extends KnownEventName ? EventPayloadMap[N] : unknown
  }

  /** The state of any declaration for this event; saved like `state`. */
  stateOf<S extends StateDefinition>(definition: S): StateView<S> {
    return this.eventState.view(definition)
  }

  reply(content: ReplyContent): Promise<SendResult> {
    return this.client.reply(this.event, content)
  }

  /** Recalls a message the bot sent: what `reply()` resolved with, or a message id in the event's chat. */
  recall(message: RecallTarget): Promise<void> {
    return this.client.recall(recallTargetIn(this.event as DispatchedEvent, message))
  }
}

/**
 * The message events that carry commands in each scene (`sceneOf` of each is its key). A group with "all
 * messages" on sends every message as GROUP_MESSAGE_CREATE, an @ of the bot possibly under both names: the
 * pipeline handles one message id once.
 */
export const COMMAND_EVENTS: Readonly<Record<Scene, readonly MessageEventName[]>> = {
  guild: ['AT_MESSAGE_CREATE'],
  dm: ['DIRECT_MESSAGE_CREATE'],
  group: ['GROUP_AT_MESSAGE_CREATE', 'GROUP_MESSAGE_CREATE'],
  c2c: ['C2C_MESSAGE_CREATE'],
}

/**
 * Whether the platform says the message is addressed to the bot: every GROUP_AT_MESSAGE_CREATE is, and a
 * GROUP_MESSAGE_CREATE is when one of its mentions is the bot (`is_you`). Guild @-messages show it in the text.
 */
export function mentionsBot(event: Pick<DispatchedEvent, 'name' | 'data'>): boolean {
  if (event.name === 'GROUP_AT_MESSAGE_CREATE') return true
  const mentions = (event.data as { mentions?: unknown } | null | undefined)?.mentions
  return (
    Array.isArray(mentions) && mentions.some((mention) => (mention as { is_you?: unknown } | null)?.is_you === true)
  )
}
