import type { DispatchedEvent, EventPayloadMap, KnownEventName, QQBotClient, ReplyContent, SendResult } from '@qqbot/core'
import type { GuardContext, Scene } from '../metadata/controller-metadata.js'
import type { MessageId, MessageParams, MessageTable } from '../i18n/messages.js'

/** What a command handler gets: the message, where it came from, who sent it, and `reply()`. */
export class CommandContext implements GuardContext {
  private replies = 0

  constructor(
    readonly event: DispatchedEvent,
    readonly client: QQBotClient,
    readonly scene: Scene,
    /** The command name as registered (not the alias typed). */
    readonly command: string,
    /** The text after the command word, as typed. */
    readonly argsText: string,
    /** Storage that belongs to this bot (guards keep state here). */
    readonly store: Map<unknown, unknown>,
    private readonly messages: MessageTable,
  ) {}

  /** Replies with one of the framework's texts, in the bot's language (and overrides). */
  say(id: string, params: MessageParams = {}): Promise<SendResult> {
    const render = this.messages[id as MessageId]
    if (!render) return Promise.reject(new TypeError(`Unknown message id ${id}.`))
    return this.reply(render(params))
  }

  /** The sender: guild user id, group member openid, or C2C user openid. */
  get userId(): string | undefined {
    const author = (this.event.data as { author?: { id?: string; member_openid?: string; user_openid?: string } }).author
    return author?.id ?? author?.member_openid ?? author?.user_openid
  }

  /** Message text as received. */
  get content(): string {
    return (this.event.data as { content?: string }).content ?? ''
  }

  /** True once `reply()` was called (the handler's return value is then not sent again). */
  get replied(): boolean {
    return this.replies > 0
  }

  /** Replies in place as a passive reply (msg_id, msg_seq handled). */
  reply(content: ReplyContent): Promise<SendResult> {
    this.replies++
    return this.client.reply(this.event, content)
  }
}

/** What an `@OnEvent` handler gets: the typed event and `reply()` where the event allows one. */
export class EventContext<N extends KnownEventName | string = string> {
  constructor(
    readonly event: DispatchedEvent<N>,
    readonly client: QQBotClient,
  ) {}

  get data(): N extends KnownEventName ? EventPayloadMap[N] : unknown {
    return this.event.data as N extends KnownEventName ? EventPayloadMap[N] : unknown
  }

  reply(content: ReplyContent): Promise<SendResult> {
    return this.client.reply(this.event, content)
  }
}

const SCENES: ReadonlyMap<string, Scene> = new Map([
  ['AT_MESSAGE_CREATE', 'guild'],
  ['MESSAGE_CREATE', 'guild'],
  ['DIRECT_MESSAGE_CREATE', 'dm'],
  ['GROUP_AT_MESSAGE_CREATE', 'group'],
  ['GROUP_MESSAGE_CREATE', 'group'],
  ['C2C_MESSAGE_CREATE', 'c2c'],
])

/** The scene a message event belongs to, or `undefined` for non-message events. */
export function sceneOf(eventName: string): Scene | undefined {
  return SCENES.get(eventName)
}

/** The message event that carries commands in each scene. */
export const COMMAND_EVENTS: Record<Scene, KnownEventName> = {
  guild: 'AT_MESSAGE_CREATE',
  dm: 'DIRECT_MESSAGE_CREATE',
  group: 'GROUP_AT_MESSAGE_CREATE',
  c2c: 'C2C_MESSAGE_CREATE',
}
