import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ReplyLimitError } from '../reply/reply-errors.js'
import type { ReplySender } from '../reply/reply-sender.js'
import type { ReplyTarget } from '../reply/reply-target.js'
import type { OpenApi } from '../rest/open-api.js'
import { FramedStream } from './framed-stream.js'
import { describeError } from './stream-errors.js'
import { ReplyStream, type DegradeCode } from './reply-stream.js'
import { splitForReplies } from './split-text.js'
import { resolveStreamOptions, type ResolvedStreamOptions, type StreamOptions } from './stream-options.js'
import { sendTyping, streamWire, type StreamWire } from './stream-wire.js'
import { TypingIndicator } from './typing-indicator.js'

/** What may be chosen per stream, on top of the client's `streaming` options. */
export type StreamCallOptions = Pick<StreamOptions, 'intervalMs' | 'typing' | 'typingSeconds' | 'typingRenewals'>

export interface ReplyStreamsInit {
  api: OpenApi
  replies: ReplySender
  logger: Logger
  metrics?: Metrics
  options?: StreamOptions
}

/**
 * Opens streamed replies and keeps track of the open ones, so stopping the client can finish them. Decides
 * per stream whether the platform can stream it (C2C, a message under the stream window) or whether the text
 * is collected and sent as ordinary replies.
 */
export class ReplyStreams {
  private readonly defaults: StreamOptions
  private readonly options: ResolvedStreamOptions
  private readonly open = new Set<ReplyStream>()
  /** Set by the first {@link finishAll}. */
  private finishing = false

  constructor(private readonly init: ReplyStreamsInit) {
    this.defaults = init.options ?? {}
    this.options = resolveStreamOptions(this.defaults, init.logger)
  }

  /** Streams opened and not yet done or cancelled. */
  get size(): number {
    return this.open.size
  }

  /**
   * A stream answering `event`. Throws like a reply when `event` cannot be answered, or when (in C2C) its
   * reply window closed or its budget is spent.
   */
  start(event: DispatchedEvent, call: StreamCallOptions = {}): ReplyStream {
    const options = hasAny(call) ? resolveStreamOptions({ ...this.defaults, ...call }, this.init.logger) : this.options
    const target = this.init.replies.targetOf(event)
    const refusal = this.cannotStream(event, target, options)
    const log = this.init.logger.child({ event: event.name, scene: target.scene })
    let stream: ReplyStream | undefined
    const live = refusal === undefined ? this.live(event, target, options, log, () => stream) : undefined
    stream = new ReplyStream({
      live,
      sendReplies: (text) => this.sendReplies(event, target, text, options),
      reportDegraded: (code, reason) => {
        this.init.metrics?.inc('streams_degraded', { reason: code })
        log.info({ reason }, `This streamed reply goes as ordinary replies when done: ${reason}.`)
      },
      onClosed: () => this.open.delete(stream!),
    })
    if (refusal !== undefined) stream.degrade(refusal.code, refusal.reason)
    this.open.add(stream)
    return stream
  }

  /**
   * Ends every open stream with the text it has (its final frame, or its replies), waiting at most
   * `streaming.stopTimeoutMs`; a stream still unfinished then is logged and left.
   */
  async finishAll(): Promise<void> {
    // A second call (for streams opened while handlers drained) does not wait again for those already ending.
    const streams = this.finishing ? [...this.open].filter((stream) => stream.open) : [...this.open]
    this.finishing = true
    if (streams.length === 0) return
    const finished = Promise.allSettled(streams.map((stream) => stream.done()))
    const { clock, stopTimeoutMs } = this.options
    let timer: unknown
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = clock.setTimeout(() => resolve('timeout'), stopTimeoutMs)
    })
    const outcome = await Promise.race([finished, timedOut])
    clock.clearTimeout(timer)
    if (outcome === 'timeout') {
      const unfinished = streams.filter((stream) => this.open.has(stream)).length
      this.init.logger.warn(
        { streams: unfinished, stopTimeoutMs },
        `Stopped with ${unfinished} streamed replies unfinished after ${stopTimeoutMs} ms (streaming.stopTimeoutMs).`,
      )
      return
    }
    for (const result of outcome) {
      if (result.status === 'rejected')
        this.init.logger.warn({ err: result.reason }, 'A streamed reply could not be finished while stopping.')
    }
  }

  /** Why `event` cannot be streamed, or `undefined` when it can. */
  private cannotStream(
    event: DispatchedEvent,
    target: ReplyTarget,
    options: ResolvedStreamOptions,
  ): { code: DegradeCode; reason: string } | undefined {
    if (target.scene !== 'c2c')
      return { code: 'scene', reason: `the platform streams only in C2C chats, and this is a ${target.scene} message` }
    if (target.reference.kind !== 'msg_id')
      return {
        code: 'not-a-message',
        reason: `${event.name} is not a message, and a stream must answer a message (msg_id)`,
      }
    const age = options.clock.now() - event.receivedAt
    if (age > options.windowMs)
      return {
        code: 'too-old',
        reason: `the message is ${Math.round(age / 1000)} s old, and a stream must answer one under ${Math.round(options.windowMs / 1000)} s old`,
      }
    return undefined
  }

  private live(
    event: DispatchedEvent,
    target: ReplyTarget,
    options: ResolvedStreamOptions,
    log: Logger,
    stream: () => ReplyStream | undefined,
  ): FramedStream {
    const { api, replies } = this.init
    const msgSeq = replies.reserveSeq(event, target)
    const address = { openid: target.targetId, msgId: target.reference.id, msgSeq }
    const typing = options.typing ? this.typing(event, target, options, log) : undefined
    return new FramedStream({
      wire: countedWire(streamWire(options.wire, api, address, options.streamFieldMode), () =>
        this.init.metrics?.inc('stream_frames_sent', { wire: options.wire }),
      ),
      clock: options.clock,
      intervalMs: options.intervalMs,
      indexBase: options.indexBase,
      typing,
      onStartFailed: (error) =>
        stream()?.degrade(
          'first-frame-refused',
          `the platform refused the stream's first frame (${describeError(error)})`,
        ),
      onFrameFailed: (error) =>
        log.warn({ err: error }, 'A stream frame was refused; the next frame carries the whole text.'),
    })
  }

  /** The stream's typing indicator: each one sent takes a `msg_seq` of its own, when the budget has one to spare. */
  private typing(
    event: DispatchedEvent,
    target: ReplyTarget,
    options: ResolvedStreamOptions,
    log: Logger,
  ): TypingIndicator {
    const { api, replies, metrics } = this.init
    return new TypingIndicator({
      send: async (inputType, seconds) => {
        let msgSeq: number
        try {
          msgSeq = replies.reserveSeq(event, target)
        } catch (error) {
          if (error instanceof ReplyLimitError) return false
          throw error
        }
        await sendTyping(api, { openid: target.targetId, msgId: target.reference.id, msgSeq }, inputType, seconds)
        return true
      },
      repliesLeft: () => replies.repliesLeft(target),
      clock: options.clock,
      seconds: options.typingSeconds,
      maxRenewals: options.typingRenewals,
      log,
      metrics,
    })
  }

  /** The whole text as ordinary replies: split to the length limit, at most as many as the budget has left. */
  private async sendReplies(
    event: DispatchedEvent,
    target: ReplyTarget,
    text: string,
    options: ResolvedStreamOptions,
  ): Promise<string[]> {
    const left = this.init.replies.repliesLeft(target) ?? Number.POSITIVE_INFINITY
    const ids: string[] = []
    for (const part of splitForReplies(text, options.maxReplyChars, Math.max(1, left))) {
      const result = await this.init.replies.reply(event, part)
      if (typeof result.id === 'string') ids.push(result.id)
    }
    return ids
  }
}

/** `wire`, calling `counted` for every frame the platform took. */
function countedWire(wire: StreamWire, counted: () => void): StreamWire {
  return {
    send: async (frame) => {
      const result = await wire.send(frame)
      counted()
      return result
    },
  }
}

function hasAny(call: StreamCallOptions): boolean {
  return Object.values(call).some((value) => value !== undefined)
}
