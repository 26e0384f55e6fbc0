import { SCENES, type Scene } from '@qqbot/core'
import type { RecordedCall, SentMessage } from '@qqbot/fake-platform'
import type { BotEntry, ConversationStore, Entry, NewEntry } from './conversation-store.js'
import { toReplyView, type ReplyView } from './reply-view.js'
import { conversationFor, conversationIdOfSent, type ConversationInfo } from './scenes.js'
import { UploadRecords } from './uploads.js'
import type { UserDirectory } from './users.js'

const MAX_TRACKED = 1_000
const INTERACTION_ACK_PATH = /^\/interactions\/([^/]+)$/
const STREAM_PATH = /^\/v2\/users\/([^/]+)\/stream_messages$/
/** The older stream form: frames are C2C messages carrying a `stream` object. */
const MESSAGE_PATH = /^\/v2\/users\/([^/]+)\/messages$/

/** Where BotActivity puts what it sees: new entries, and new views of a bot message (a growing stream). */
export interface EntrySink {
  add(conversation: ConversationInfo, entry: NewEntry): Entry
  update(conversation: ConversationInfo, messageId: string, view: ReplyView): BotEntry | undefined
}

/**
 * Turns what the bot does on the platform into conversation entries: its messages (with uploaded media resolved),
 * its streams (one entry that grows with every frame) and its acknowledgements of button clicks.
 */
export class BotActivity {
  private readonly uploads = new UploadRecords()
  /** Interaction id → the conversation its button was clicked in, to show the bot's acknowledgement there. */
  private readonly interactions = new Map<string, string>()

  constructor(
    private readonly conversations: ConversationStore,
    private readonly users: UserDirectory,
    private readonly entries: EntrySink,
  ) {}

  /** Remembers where a button was clicked, so the bot's acknowledgement of `interactionId` shows there. */
  clicked(interactionId: string, conversationId: string): void {
    remember(this.interactions, interactionId, conversationId)
  }

  onSent(message: SentMessage): void {
    const conversation = this.conversationOf(message.scene, message.target)
    const view = toReplyView(message.body, (fileInfo) => this.uploads.get(fileInfo))
    this.show(conversation, message.id, view)
  }

  onCall(call: RecordedCall): void {
    this.uploads.onCall(call)
    const stream = call.method === 'POST' && call.status === 200 ? STREAM_PATH.exec(call.path) : null
    if (stream) this.onStreamFrame(decodeURIComponent(stream[1]!), call)
    const message = call.method === 'POST' && call.status === 200 ? MESSAGE_PATH.exec(call.path) : null
    if (message && (call.body as { stream?: unknown } | undefined)?.stream !== undefined)
      this.onStreamFieldFrame(decodeURIComponent(message[1]!), call)
    const ack = call.method === 'PUT' ? INTERACTION_ACK_PATH.exec(call.path) : null
    const conversation = ack
      ? this.conversations.info(this.interactions.get(decodeURIComponent(ack[1]!)) ?? '')
      : undefined
    if (conversation) {
      const code = (call.body as { code?: unknown } | undefined)?.code
      const refusal = (call.response as { message?: unknown } | undefined)?.message
      this.entries.add(conversation, {
        kind: 'notice',
        conversation: conversation.id,
        text:
          call.status < 300
            ? `The bot acknowledged the click (code ${typeof code === 'number' ? code : '?'})`
            : `The platform refused the bot's acknowledgement (HTTP ${call.status}${typeof refusal === 'string' ? `: ${refusal}` : ''})`,
      })
    }
  }

  /** An accepted stream frame: the stream's entry shows its text so far, marked as growing until the final frame. */
  private onStreamFrame(openid: string, call: RecordedCall): void {
    const id = (call.response as { id?: unknown } | undefined)?.id
    const body = call.body as { content_raw?: unknown; input_state?: unknown } | undefined
    if (typeof id !== 'string' || typeof body?.content_raw !== 'string') return
    const view: ReplyView = { markdown: body.content_raw, ...(body.input_state === 10 ? {} : { streaming: true }) }
    this.show(this.conversationOf('c2c', openid), id, view)
  }

  /** A frame of the older form: its `content` is the text so far (the replace reading) and `stream.state` 10 ends it. */
  private onStreamFieldFrame(openid: string, call: RecordedCall): void {
    const id = (call.response as { id?: unknown } | undefined)?.id
    const body = call.body as { content?: unknown; stream?: { state?: unknown } } | undefined
    if (typeof id !== 'string' || typeof body?.content !== 'string') return
    const finished = body.stream?.state === 10 || body.stream?.state === 20
    this.show(this.conversationOf('c2c', openid), id, { text: body.content, ...(finished ? {} : { streaming: true }) })
  }

  /** Updates the entry of bot message `messageId` when it has one (a stream's earlier frames), else adds one. */
  private show(conversation: ConversationInfo, messageId: string, view: ReplyView): void {
    if (this.entries.update(conversation, messageId, view)) return
    this.entries.add(conversation, { kind: 'bot', conversation: conversation.id, messageId, view })
  }

  private conversationOf(scene: Scene, target: string): ConversationInfo {
    const id = conversationIdOfSent(scene, target)
    return this.conversations.info(id) ?? this.knownConversation(id) ?? { id, scene, title: id }
  }

  /** A DM or C2C chat of a user who has not written yet (the bot wrote first). */
  private knownConversation(id: string): ConversationInfo | undefined {
    for (const user of this.users.list()) {
      for (const scene of SCENES) {
        const conversation = conversationFor(scene, user)
        if (conversation.id === id) return conversation
      }
    }
    return undefined
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value)
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value!)
}
