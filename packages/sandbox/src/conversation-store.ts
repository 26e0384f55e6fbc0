import type { ConversationInfo } from './scenes.js'
import type { ReplyView } from './reply-view.js'

interface EntryBase {
  /** Increases across every conversation: the page orders by it. */
  seq: number
  conversation: string
  at: number
}

/** Something a sandbox user typed. */
export interface UserEntry extends EntryBase {
  kind: 'user'
  user: string
  text: string
  /** The event it was dispatched as. */
  event: string
}

/** A message the bot sent. */
export interface BotEntry extends EntryBase {
  kind: 'bot'
  messageId: string
  view: ReplyView
}

/** A note from the sandbox: a button click, its acknowledgement. */
export interface NoticeEntry extends EntryBase {
  kind: 'notice'
  text: string
}

export type Entry = UserEntry | BotEntry | NoticeEntry
export type NewEntry = Omit<UserEntry, 'seq' | 'at'> | Omit<BotEntry, 'seq' | 'at'> | Omit<NoticeEntry, 'seq' | 'at'>

/** Entries kept per conversation; older ones are dropped. */
const MAX_ENTRIES_PER_CONVERSATION = 500
/** Conversations kept; the one idle longest is dropped. */
const MAX_CONVERSATIONS = 200

interface Conversation {
  info: ConversationInfo
  entries: Entry[]
}

/** Every chat the page shows, with its entries in order. Bounded, so a chatty bot cannot grow it forever. */
export class ConversationStore {
  private readonly conversations = new Map<string, Conversation>()
  private seq = 0

  /** Appends an entry to `info`'s conversation (creating it) and returns it. */
  add(info: ConversationInfo, entry: NewEntry): Entry {
    let conversation = this.conversations.get(info.id)
    if (conversation) this.conversations.delete(info.id)
    else conversation = { info, entries: [] }
    this.conversations.set(info.id, conversation)
    if (this.conversations.size > MAX_CONVERSATIONS) this.conversations.delete(this.conversations.keys().next().value!)
    const full = { ...entry, seq: ++this.seq, at: Date.now() } as Entry
    conversation.entries.push(full)
    if (conversation.entries.length > MAX_ENTRIES_PER_CONVERSATION) conversation.entries.shift()
    return full
  }

  info(id: string): ConversationInfo | undefined {
    return this.conversations.get(id)?.info
  }

  entries(id: string): readonly Entry[] {
    return this.conversations.get(id)?.entries ?? []
  }

  /** The bot message `messageId` in conversation `id`. */
  botMessage(id: string, messageId: string): BotEntry | undefined {
    return this.conversations
      .get(id)
      ?.entries.find((entry): entry is BotEntry => entry.kind === 'bot' && entry.messageId === messageId)
  }

  /** Replaces the view of bot message `messageId` (a stream that grew); returns the entry, or `undefined` when unknown. */
  updateBotMessage(id: string, messageId: string, view: ReplyView): BotEntry | undefined {
    const entry = this.botMessage(id, messageId)
    if (entry) entry.view = view
    return entry
  }

  all(): { info: ConversationInfo; entries: Entry[] }[] {
    return [...this.conversations.values()].map(({ info, entries }) => ({ info, entries: [...entries] }))
  }
}
