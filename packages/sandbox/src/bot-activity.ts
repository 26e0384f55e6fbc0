import { SCENES } from '@qqbot/core'
import type { RecordedCall, SentMessage } from '@qqbot/fake-platform'
import type { ConversationStore, Entry, NewEntry } from './conversation-store.js'
import { toReplyView, type UploadedMedia } from './reply-view.js'
import { conversationFor, conversationIdOfSent, type ConversationInfo } from './scenes.js'
import type { UserDirectory } from './users.js'

const MAX_TRACKED = 1_000
const UPLOAD_PATH = /^\/v2\/(?:groups|users)\/[^/]+\/files$/
const INTERACTION_ACK_PATH = /^\/interactions\/([^/]+)$/

/**
 * Turns what the bot does on the platform into conversation entries: its messages (with uploaded media resolved)
 * and its acknowledgements of button clicks.
 */
export class BotActivity {
  /** `file_info` → what was uploaded, so group/C2C media show their URL. */
  private readonly uploads = new Map<string, UploadedMedia>()
  /** Interaction id → the conversation its button was clicked in, to show the bot's acknowledgement there. */
  private readonly interactions = new Map<string, string>()

  constructor(
    private readonly conversations: ConversationStore,
    private readonly users: UserDirectory,
    private readonly addEntry: (conversation: ConversationInfo, entry: NewEntry) => Entry,
  ) {}

  /** Remembers where a button was clicked, so the bot's acknowledgement of `interactionId` shows there. */
  clicked(interactionId: string, conversationId: string): void {
    remember(this.interactions, interactionId, conversationId)
  }

  onSent(message: SentMessage): void {
    const id = conversationIdOfSent(message.scene, message.target)
    const conversation = this.conversations.info(id) ??
      this.knownConversation(id) ?? { id, scene: message.scene, title: id }
    const view = toReplyView(message.body, (fileInfo) => this.uploads.get(fileInfo))
    this.addEntry(conversation, { kind: 'bot', conversation: id, messageId: message.id, view })
  }

  onCall(call: RecordedCall): void {
    if (call.method === 'POST' && UPLOAD_PATH.test(call.path) && call.status === 200) {
      const response = call.response as { file_info?: unknown } | undefined
      const body = call.body as { file_type?: unknown; url?: unknown } | undefined
      if (typeof response?.file_info === 'string') {
        const upload: UploadedMedia = { fileType: typeof body?.file_type === 'number' ? body.file_type : 0 }
        if (typeof body?.url === 'string') upload.url = body.url
        remember(this.uploads, response.file_info, upload)
      }
    }
    const ack = call.method === 'PUT' ? INTERACTION_ACK_PATH.exec(call.path) : null
    const conversation = ack
      ? this.conversations.info(this.interactions.get(decodeURIComponent(ack[1]!)) ?? '')
      : undefined
    if (conversation) {
      const code = (call.body as { code?: unknown } | undefined)?.code
      const refusal = (call.response as { message?: unknown } | undefined)?.message
      this.addEntry(conversation, {
        kind: 'notice',
        conversation: conversation.id,
        text:
          call.status < 300
            ? `The bot acknowledged the click (code ${typeof code === 'number' ? code : '?'})`
            : `The platform refused the bot's acknowledgement (HTTP ${call.status}${typeof refusal === 'string' ? `: ${refusal}` : ''})`,
      })
    }
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
