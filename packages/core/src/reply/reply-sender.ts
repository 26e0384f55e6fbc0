import type { Metrics } from '../metrics/metrics.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ApiError } from '../rest/api-error.js'
import { MessageType, type MessageBody, type SendResult } from '../rest/api-types.js'
import type { OpenApi } from '../rest/open-api.js'
import { MsgSeqAllocator } from './msg-seq-allocator.js'
import { MediaNotSupportedError, ReplyNotSupportedError, ReplyTargetMissingError } from './reply-errors.js'
import { replyRouteOf, type ReplyTarget } from './reply-target.js'

/**
 * A reply: plain text, or a message body (markdown, keyboard, ark, embed, media). Media by URL works in
 * every scene: `image` goes as is to guild channels and DMs, and is uploaded first in groups and C2C, where
 * `video` and `voice` (silk) URLs work too.
 */
export type ReplyContent = string | (MessageBody & { image?: string; video?: string; voice?: string })

/** The platform's answer to a second message with the same `msg_id` and `msg_seq`. */
const MSG_SEQ_DUPLICATE = 40054005

const UPLOADS = [
  ['image', 1],
  ['video', 2],
  ['voice', 3],
] as const

/**
 * Sends passive replies: routes to the channel, DM, group or C2C endpoint the event came from, adds
 * `msg_id`/`event_id`, allocates `msg_seq` for group/C2C, uploads media where the scene needs it, and picks
 * `msg_type` from the body.
 */
export class ReplySender {
  private readonly seqs: MsgSeqAllocator

  constructor(
    private readonly api: OpenApi,
    private readonly metrics?: Metrics,
    now: () => number = Date.now,
  ) {
    this.seqs = new MsgSeqAllocator(now)
  }

  /**
   * Replies to `event`. Throws {@link ReplyNotSupportedError}, {@link ReplyWindowClosedError} or
   * {@link ReplyLimitError} before sending when the platform would refuse. A group or C2C reply the platform
   * already has (an event handled again) resolves with `{ alreadySent: true }` instead of sending it twice.
   */
  async reply(event: DispatchedEvent, content: ReplyContent): Promise<SendResult> {
    const route = replyRouteOf(event)
    if (!route) throw new ReplyNotSupportedError(event.name)
    if (!route.target) throw new ReplyTargetMissingError(event.name, event.id, route.missing)
    const target = route.target
    const body: MessageBody = typeof content === 'string' ? { content } : { ...content }
    body[target.reference.kind] = target.reference.id
    const seq = this.seqs.next(`${target.reference.kind}:${target.reference.id}`, event.receivedAt, target.window)
    if (target.scene === 'group' || target.scene === 'c2c') {
      await this.uploadMedia(target, body)
      body.msg_seq = seq
      body.msg_type ??= messageTypeOf(body)
      if (body.msg_type === MessageType.MEDIA && !body.content) body.content = ' '
    } else {
      for (const kind of ['video', 'voice'] as const) if (body[kind] !== undefined) throw new MediaNotSupportedError(kind)
    }
    try {
      const result = await this.send(target, body)
      this.metrics?.inc('replies_sent', { scene: target.scene })
      return result
    } catch (error) {
      // The seq is the n-th reply to this message, so the platform holding it means this very reply went out
      // before: the event was delivered again (another worker, a restart) or a lost answer was retried.
      if (body.msg_seq !== undefined && error instanceof ApiError && error.is(MSG_SEQ_DUPLICATE)) {
        this.metrics?.inc('replies_already_sent', { scene: target.scene })
        return { alreadySent: true }
      }
      throw error
    }
  }

  private send(target: ReplyTarget, body: MessageBody): Promise<SendResult> {
    switch (target.scene) {
      case 'channel':
        return this.api.sendChannelMessage(target.targetId, body)
      case 'dm':
        return this.api.sendDirectMessage(target.targetId, body)
      case 'group':
        return this.api.sendGroupMessage(target.targetId, body)
      case 'c2c':
        return this.api.sendC2CMessage(target.targetId, body)
    }
  }

  /** Group and C2C messages carry media as an uploaded `file_info`: upload the URL (without sending), then attach it. */
  private async uploadMedia(target: ReplyTarget, body: MessageBody): Promise<void> {
    for (const [kind, fileType] of UPLOADS) {
      const url = body[kind]
      if (typeof url !== 'string') continue
      const upload = { file_type: fileType, url, srv_send_msg: false }
      const info = target.scene === 'group' ? await this.api.uploadGroupMedia(target.targetId, upload) : await this.api.uploadC2CMedia(target.targetId, upload)
      delete body[kind]
      body.media = { file_info: info.file_info }
      return
    }
  }
}

function messageTypeOf(body: MessageBody): number {
  if (body.media) return MessageType.MEDIA
  if (body.markdown) return MessageType.MARKDOWN
  if (body.ark) return MessageType.ARK
  if (body.embed) return MessageType.EMBED
  return MessageType.TEXT
}
