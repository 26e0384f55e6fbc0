import type { Scene } from '@qqbot/core'
import { clickButton, type BuiltEvent, type ButtonSelector } from '@qqbot/fake-platform'
import type { SentReply } from './fake-api.js'
import { messageEvent, type MessageInit } from './message-events.js'

/** How long to wait for replies after a message (used over real sockets; an in-memory bot always waits until it is done). */
export interface SendOptions {
  /** How many replies to wait for: default at least one; `0` waits for a moment of silence instead. */
  expected?: number
}

/** What users and chats need from a bot under test (in memory or on the fake platform). */
export interface ChatDriver {
  /** Every reply sent so far. */
  readonly replies: readonly SentReply[]
  /** The bot's user id (guild @-messages mention it). */
  readonly botId: string
  /** Delivers an event and resolves with the replies it caused. */
  emit(name: string, data: unknown, options?: SendOptions): Promise<SentReply[]>
  /** A fresh message id. */
  nextMessageId(): string
}

/** A user of the test platform. */
export class TestUser {
  constructor(
    private readonly driver: ChatDriver,
    readonly id: string,
  ) {}

  inGroup(groupOpenid: string): TestChat {
    return this.chat('group', `${this.id} in group ${groupOpenid}`, { chat: groupOpenid })
  }

  inC2C(): TestChat {
    return this.chat('c2c', `${this.id} in C2C`, {})
  }

  /** A guild channel @-message (the content gets the bot mention, as the platform delivers it). */
  inChannel(channelId: string, guildId = 'test-guild', roles: string[] = []): TestChat {
    return this.chat('guild', `${this.id} in channel ${channelId}`, { chat: channelId, guildId, roles })
  }

  inDM(dmGuildId = `dm-${this.id}`): TestChat {
    return this.chat('dm', `${this.id} in DM ${dmGuildId}`, { chat: dmGuildId })
  }

  private chat(scene: Scene, label: string, where: Pick<MessageInit, 'chat' | 'guildId' | 'roles'>): TestChat {
    return new TestChat(
      this.driver,
      scene,
      label,
      (id, content) => messageEvent({ scene, id, userId: this.id, content, botId: this.driver.botId, ...where }),
      (reply, which, id) =>
        // In C2C the clicker is the chat's own user; elsewhere this user (a member openid or guild user id).
        clickButton(reply, which, { id, by: scene === 'c2c' ? undefined : this.id, guildId: where.guildId }),
    )
  }
}

/** One user in one chat: send messages, read what the bot answered there. */
export class TestChat {
  /** Ids of the messages sent from here: the bot's replies to them (passive replies carry `msg_id`) are this chat's. */
  private readonly sentIds = new Set<string>()

  constructor(
    private readonly driver: ChatDriver,
    readonly scene: Scene,
    /** Who and where, e.g. `alice in group g1` (matchers print it). */
    readonly label: string,
    private readonly message: (id: string, content: string) => { name: string; data: Record<string, unknown> },
    private readonly buttonClick?: (reply: SentReply, which: ButtonSelector, id: string) => BuiltEvent,
  ) {}

  /** Every reply to a message sent from this chat, including later ones (e.g. a prompt's timeout notice). */
  get replies(): readonly SentReply[] {
    return this.driver.replies.filter((reply) => this.sentIds.has((reply.body.msg_id ?? reply.body.event_id) as string))
  }
  /** Sends a message and resolves with the bot's replies to it (and anything else it sent meanwhile). */
  send(content: string, options?: SendOptions): Promise<SentReply[]> {
    const id = this.driver.nextMessageId()
    const { name, data } = this.message(id, content)
    this.sentIds.add(id)
    return this.driver.emit(name, data, options)
  }

  /**
   * Clicks a callback button (by label, or `{ label?, data?, id? }`) of one of the bot's messages, as this user
   * in this chat, and resolves with the bot's replies to the click (they answer it with `event_id`).
   */
  click(reply: SentReply, which: ButtonSelector, options?: SendOptions): Promise<SentReply[]> {
    if (!this.buttonClick) return Promise.reject(new Error(`${this.label} cannot click buttons.`))
    const id = `itx-${this.driver.nextMessageId()}`
    const event = this.buttonClick(reply, which, id)
    this.sentIds.add(id)
    return this.driver.emit(event.t, event.d, options)
  }

  /** The text of the last reply in this chat, or `undefined`. */
  lastReply(): string | undefined {
    return this.replies.at(-1)?.text
  }
}
