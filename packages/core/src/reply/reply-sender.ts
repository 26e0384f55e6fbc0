import type { Metrics } from '../metrics/metrics.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { MessageType, type MessageBody, type SendResult } from '../rest/api-types.js'
import type { OpenApi } from '../rest/open-api.js'
import { MsgSeqAllocator } from './msg-seq-allocator.js'
import { ReplyNotSupportedError } from './reply-errors.js'
import { replyTargetOf, type ReplyTarget } from './reply-target.js'

/** A reply: plain text, or a message body (markdown, keyboard, ark, embed, media, image). */
export type ReplyContent = string | MessageBody

/**
 * Sends passive replies: routes to the channel, DM, group or C2C endpoint the event came from, adds
 * `msg_id`/`event_id`, allocates `msg_seq` for group/C2C, and picks `msg_type` from the body.
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

  /** Replies to `event`. Throws {@link ReplyNotSupportedError}, {@link ReplyWindowClosedError} or {@link ReplyLimitError} before sending when the platform would refuse. */
  reply(event: DispatchedEvent, content: ReplyContent): Promise<SendResult> {
    const target = replyTargetOf(event)
    if (!target) return Promise.reject(new ReplyNotSupportedError(event.name))
    let body: MessageBody
    try {
      body = this.buildBody(target, event, content)
    } catch (error) {
      return Promise.reject(error)
    }
    this.metrics?.inc('replies_sent', { scene: target.scene })
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

  private buildBody(target: ReplyTarget, event: DispatchedEvent, content: ReplyContent): MessageBody {
    const body: MessageBody = typeof content === 'string' ? { content } : { ...content }
    body[target.reference.kind] = target.reference.id
    const seq = this.seqs.next(`${target.reference.kind}:${target.reference.id}`, event.receivedAt, target.window)
    if (target.scene === 'group' || target.scene === 'c2c') {
      body.msg_seq = seq
      body.msg_type ??= messageTypeOf(body)
      if (body.msg_type === MessageType.MEDIA && !body.content) body.content = ' '
    }
    return body
  }
}

function messageTypeOf(body: MessageBody): number {
  if (body.media) return MessageType.MEDIA
  if (body.markdown) return MessageType.MARKDOWN
  if (body.ark) return MessageType.ARK
  if (body.embed) return MessageType.EMBED
  return MessageType.TEXT
}
