import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ApiError } from '../rest/api-error.js'
import { MessageType, type MessageBody, type SendResult } from '../rest/api-types.js'
import type { CallOptions, OpenApi } from '../rest/open-api.js'
import { MarkdownFallback, type MarkdownFallbackOptions } from './markdown-fallback.js'
import { MediaUploader } from '../media/media-uploader.js'
import { attachMedia, splitReply, type PickedMedia, type ReplyMessage } from '../media/reply-media.js'
import { MsgSeqAllocator, type ReplyWindow } from './msg-seq-allocator.js'
import {
  ReplyLimitError,
  ReplyNotSupportedError,
  ReplyRateLimitedError,
  ReplyTargetMissingError,
} from './reply-errors.js'
import type { Scene } from '../events/scene.js'
import {
  replyRouteOf,
  replyWindows,
  STRICTEST_REPLY_LIMITS,
  type ReplyLimits,
  type ReplyTarget,
} from './reply-target.js'

/**
 * A reply: plain text, or a message body (markdown, keyboard, ark, embed) with at most one media: `image`,
 * `video`, `voice` or `file`, each a URL, `{ path }`, bytes or a stream (see `MediaSource`). Groups and C2C
 * upload it first; guild channels and DMs take an image URL only.
 */
export type ReplyContent = string | ReplyMessage

/** The platform's answer to a second message with the same `msg_id` and `msg_seq`. */
const MSG_SEQ_DUPLICATE = 40054005
/** "Message limit exceeded": a rate limit, or (past the reply budget) the budget itself. */
const MESSAGE_LIMIT_EXCEEDED = 22009

/** How replies behave; the client option `replies`. */
export interface ReplyOptions {
  /** Passive replies allowed per inbound message: default `{ c2c: 4, group: 5 }` (see {@link ReplyLimits}). */
  limits?: ReplyLimits
  /**
   * A rate-limited reply is retried (same body, same `msg_seq`) until its passive-reply window closes,
   * less this margin, so the last attempt still reaches the platform inside the window. Default 5 s.
   */
  deadlineMarginMs?: number
  /**
   * When the platform refuses a reply's markdown or keyboard, resend it once as plain text (and remember the
   * scene; see {@link MarkdownFallbackOptions}). Default on; `false` lets the refusal reject the reply.
   */
  markdownFallback?: MarkdownFallbackOptions | false
}

/**
 * Sends passive replies: routes to the channel, DM, group or C2C endpoint the event came from, adds
 * `msg_id`/`event_id`, allocates `msg_seq` for group/C2C, uploads media where the scene needs it, and picks
 * `msg_type` from the body.
 */
export class ReplySender {
  private readonly seqs: MsgSeqAllocator
  private readonly windows: Readonly<Record<Scene, ReplyWindow>>
  private readonly deadlineMarginMs: number
  private readonly metrics: Metrics | undefined
  private readonly now: () => number
  private readonly markdown: MarkdownFallback | undefined
  private readonly media: MediaUploader

  constructor(
    private readonly api: OpenApi,
    options: ReplyOptions & { metrics?: Metrics; logger?: Logger; now?: () => number; media?: MediaUploader } = {},
  ) {
    this.metrics = options.metrics
    if (options.markdownFallback !== false)
      this.markdown = new MarkdownFallback(options.markdownFallback ?? {}, options)
    this.now = options.now ?? Date.now
    this.media = options.media ?? new MediaUploader({ api, metrics: options.metrics, now: this.now })
    this.seqs = new MsgSeqAllocator(this.now)
    this.windows = replyWindows(options.limits)
    this.deadlineMarginMs = options.deadlineMarginMs ?? 5_000
  }

  /**
   * Replies to `event`. Throws {@link ReplyNotSupportedError}, {@link ReplyWindowClosedError} or
   * {@link ReplyLimitError} before sending when the platform would refuse. A group or C2C reply the platform
   * already has (an event handled again) resolves with `{ alreadySent: true }` instead of sending it twice.
   * Rate limits are retried with the same body until the reply window closes (less `deadlineMarginMs`);
   * after that it rejects with {@link ReplyRateLimitedError}.
   */
  reply(event: DispatchedEvent, content: ReplyContent): Promise<SendResult> {
    // Not an async function: a reply without media hands back the send's own promise, without wrapping it in
    // another (an async function's result waits two more microtask turns for a promise it returns). A check
    // that throws still rejects the returned promise, as before.
    try {
      const target = this.targetOf(event)
      const { body, media } = splitReply(content)
      body[target.reference.kind] = target.reference.id
      const seq = this.reserveSeq(event, target)
      const deadline = this.retryDeadline(target, event.receivedAt, seq)
      if (media) return this.replyWithMedia(event, target, body, media, seq, deadline)
      return this.sendPrepared(event, target, body, seq, deadline)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Where a reply to `event` goes; throws like {@link reply} when it has no reply target. */
  targetOf(event: DispatchedEvent): ReplyTarget {
    const route = replyRouteOf(event, this.windows)
    if (!route) throw new ReplyNotSupportedError(event.name)
    if (!route.target) throw new ReplyTargetMissingError(event.name, event.id, route.missing)
    return route.target
  }

  /** Takes the next `msg_seq` of `event`'s reply budget without sending (a stream's frames share one). */
  reserveSeq(event: DispatchedEvent, target: ReplyTarget): number {
    return this.seqs.next(seqKey(target), event.receivedAt, target.window)
  }

  /** Replies left in `event`'s budget; `undefined` when its scene has no per-message limit. */
  repliesLeft(target: ReplyTarget): number | undefined {
    return this.seqs.remaining(seqKey(target), target.window)
  }

  private async replyWithMedia(
    event: DispatchedEvent,
    target: ReplyTarget,
    body: MessageBody,
    media: PickedMedia,
    seq: number,
    deadline: number | undefined,
  ): Promise<SendResult> {
    await attachMedia(this.media, target, body, media, this.callOptions(deadline))
    return this.sendPrepared(event, target, body, seq, deadline)
  }

  /** Adds `msg_seq` and `msg_type` where the scene takes them, and sends (through the markdown fallback if it has any). */
  private sendPrepared(
    event: DispatchedEvent,
    target: ReplyTarget,
    body: MessageBody,
    seq: number,
    deadline: number | undefined,
  ): Promise<SendResult> {
    if (target.scene === 'group' || target.scene === 'c2c') {
      body.msg_seq = seq
      body.msg_type ??= messageTypeOf(body)
      if (body.msg_type === MessageType.MEDIA && !body.content) body.content = ' '
    }
    // Plain text (most replies) goes straight out: no fallback wrapper, no closures.
    if (!this.markdown || (body.markdown === undefined && body.keyboard === undefined))
      return this.sendReply(target, body, deadline)
    const attempt = (sent: MessageBody) => this.sendReply(target, sent, deadline)
    return this.markdown.send(target.scene, body, attempt, () => this.reserveSeq(event, target))
  }

  private async sendReply(target: ReplyTarget, body: MessageBody, deadline: number | undefined): Promise<SendResult> {
    try {
      const result = await this.send(target, body, this.callOptions(deadline))
      this.metrics?.inc('replies_sent', { scene: target.scene })
      if (typeof result.id !== 'string' || result.id === '') return result
      const sent = { scene: target.scene, targetId: target.targetId, id: result.id, sentAt: this.now() }
      // Object.assign, not a spread (see `post` in rest/open-api.ts).
      return Object.assign({}, result, { sent })
    } catch (error) {
      // The seq is the n-th reply to this message, so the platform holding it means this very reply went out
      // before: the event was delivered again (another worker, a restart) or a lost answer was retried.
      if (body.msg_seq !== undefined && error instanceof ApiError && error.is(MSG_SEQ_DUPLICATE)) {
        this.metrics?.inc('replies_already_sent', { scene: target.scene })
        return { alreadySent: true }
      }
      throw this.replyError(error, target, body, deadline)
    }
  }

  /**
   * Until when rate limits are retried: the window's end less the margin. `undefined` (retried by count)
   * for a reply beyond the strictest budget any source reports: there a 22009 more likely means the budget
   * is spent, which no wait fixes.
   */
  private retryDeadline(target: ReplyTarget, receivedAt: number, seq: number): number | undefined {
    if ((target.scene === 'group' || target.scene === 'c2c') && seq > STRICTEST_REPLY_LIMITS[target.scene])
      return undefined
    return receivedAt + target.window.windowMs - this.deadlineMarginMs
  }

  private callOptions(deadline: number | undefined): CallOptions {
    return deadline === undefined ? {} : { retryWithinMs: Math.max(0, deadline - this.now()) }
  }

  /** What a failed send rejects with: a budget refusal, a window that ran out rate-limited, or the error itself. */
  private replyError(error: unknown, target: ReplyTarget, body: MessageBody, deadline: number | undefined): unknown {
    if (!(error instanceof ApiError)) return error
    if (deadline === undefined && body.msg_seq !== undefined && error.is(MESSAGE_LIMIT_EXCEEDED)) {
      return new ReplyLimitError(target.window.scene, body.msg_seq - 1, { byPlatform: true, cause: error })
    }
    if (deadline !== undefined && error.rateLimited) {
      return new ReplyRateLimitedError({
        scene: target.window.scene,
        windowMs: target.window.windowMs,
        marginMs: this.deadlineMarginMs,
        attempts: error.attempts,
        cause: error,
      })
    }
    return error
  }

  private send(target: ReplyTarget, body: MessageBody, call: CallOptions): Promise<SendResult> {
    switch (target.scene) {
      case 'guild':
        return this.api.sendChannelMessage(target.targetId, body, call)
      case 'dm':
        return this.api.sendDirectMessage(target.targetId, body, call)
      case 'group':
        return this.api.sendGroupMessage(target.targetId, body, call)
      case 'c2c':
        return this.api.sendC2CMessage(target.targetId, body, call)
    }
  }
}

/** The message id itself (no concatenated copy kept for the whole reply window); event ids are told apart by a prefix. */
function seqKey(target: ReplyTarget): string {
  const { kind, id } = target.reference
  return kind === 'msg_id' ? id : `event_id:${id}`
}

function messageTypeOf(body: MessageBody): number {
  if (body.media) return MessageType.MEDIA
  if (body.markdown) return MessageType.MARKDOWN
  if (body.ark) return MessageType.ARK
  if (body.embed) return MessageType.EMBED
  return MessageType.TEXT
}
