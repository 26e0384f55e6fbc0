import type { DispatchedEvent, QQBotClient, StateStorage } from '@qqbot/core'
import { defineCounter } from '@qqbot/core/adapter'
import type { MessageTable } from '../i18n/messages.js'
import type { Clock } from '../util/clock.js'
import { conversationKey } from './prompt-registry.js'
import { PromptRecords } from './prompt-records.js'

/** How the bot keeps track of its `ctx.prompt()` questions: `createBot({ conversations })`. */
export interface ConversationOptions {
  /**
   * Record each question waited on in the state storage (`state.storage`), so that when the process that
   * asked is gone (a restart, a worker that died) the user's answer gets the `PROMPT_INTERRUPTED` reply instead
   * of silence. Default true; `false` stores and reads nothing for questions. See docs/conversations.md.
   */
  interruptedNotice?: boolean
}

/** Messages that met a question whose asker was gone, by what they got. */
export const PROMPTS_INTERRUPTED = defineCounter(
  'prompts_interrupted',
  'Messages answering a ctx.prompt() question whose asker was gone (a restart, a worker that died), by outcome: notice (told to start again) or command (a new command ran)',
)

/** What {@link InterruptedConversations} needs from its bot. */
export interface InterruptedConversationsInit {
  storage: StateStorage
  clock: Clock
  client: QQBotClient
  messages: MessageTable
  /** How the notice names the command to send again (`/` of `/order`). */
  displayPrefix: string
}

/**
 * Conversations cut off by the process that asked going away: the records of the questions (handed to the
 * `PromptRegistry`), and the answer a user gets when their reply arrives where nobody waits for it.
 */
export class InterruptedConversations {
  readonly records: PromptRecords
  private readonly client: QQBotClient
  private readonly messages: MessageTable
  private readonly displayPrefix: string

  constructor(init: InterruptedConversationsInit) {
    this.client = init.client
    this.messages = init.messages
    this.displayPrefix = init.displayPrefix
    this.records = new PromptRecords(init.storage, init.clock, init.client.logger)
  }

  start(): Promise<void> {
    return this.records.start()
  }

  stop(): Promise<void> {
    return this.records.stop()
  }

  /** Whether messages are looked up at all: only once this process knows the bot asks questions (no cost before). */
  watches(): boolean {
    return this.records.watches()
  }

  /**
   * For a message no question of this process took: when it answers a question whose asker is gone, the record
   * is removed and, unless the message is a command (the user moved on: it runs as usual), the user is told to
   * start again. Resolves to whether the user was told (the message is then done with). Call it when
   * {@link watches}.
   */
  async answer(event: DispatchedEvent, isCommand: boolean): Promise<boolean> {
    const key = conversationKey(event)
    const record = key === undefined ? undefined : await this.records.takeInterrupted(key)
    if (!record) return false
    this.client.metricsRegistry.inc(PROMPTS_INTERRUPTED, { outcome: isCommand ? 'command' : 'notice' })
    if (isCommand) return false
    const text = this.messages.PROMPT_INTERRUPTED({ name: `${this.displayPrefix}${record.command}` })
    if (text) await this.client.reply(event, text)
    return true
  }
}
