import type { FramedStream } from './framed-stream.js'
import { describeError, StreamClosedError } from './stream-errors.js'

/**
 * Why a stream went as ordinary replies, as a stable code (the `reason` label of `streams_degraded`): not a C2C
 * chat, not an answer to a message, a message older than the stream window, the first frame refused.
 */
export type DegradeCode = 'scene' | 'not-a-message' | 'too-old' | 'first-frame-refused'

/** How a streamed answer reached the user. */
export interface StreamResult {
  /**
   * `'stream'`: one C2C message that grew as the text came. `'replies'`: the platform could not stream here
   * (see {@link degradedBecause}), so the whole text went as ordinary replies when the stream was done.
   */
  delivery: 'stream' | 'replies'
  /** Why the text was not streamed, when {@link delivery} is `'replies'`. */
  degradedBecause?: string
  /** The final text (for a cancelled stream: what the user was shown). */
  text: string
  /** Message ids the platform gave: the stream's, or one per reply; empty when nothing was sent. */
  ids: string[]
  /** Set when the stream ended by `cancel()`. */
  cancelled?: true
}

/** What a stream delivers through: live frames (C2C), and ordinary replies (elsewhere, or after a failed start). */
export interface StreamDeliveries {
  /** The live C2C stream, or `undefined` when the platform cannot stream this one (see `ReplyStream.degrade`). */
  live: FramedStream | undefined
  /** Sends the whole text as ordinary replies; resolves with their ids. */
  sendReplies(text: string): Promise<string[]>
  /** Logs, once, why this stream went as ordinary replies. */
  reportDegraded(code: DegradeCode, reason: string): void
  /** The stream is over (done, cancelled or failed). */
  onClosed(): void
}

/**
 * A reply that grows as its text arrives, from `client.stream(event)`. In C2C the user sees one message grow;
 * elsewhere (and where the platform refuses to stream) the text is collected and sent as ordinary replies
 * on {@link done}. Give it text with {@link update} (the whole text so far) or {@link append} (a piece),
 * then call {@link done} once.
 */
export class ReplyStream {
  /**
   * Settles when the stream has ended (by {@link done}, {@link cancel}, or the client stopping), like the
   * promise `done()` returns. A text source feeding the stream can race it to stop reading.
   */
  readonly finished: Promise<StreamResult>
  private current = ''
  private ending: Promise<StreamResult> | undefined
  private settleFinished!: (ending: Promise<StreamResult>) => void
  private endedBy: 'done' | 'cancelled' | undefined
  private degradedBecause: string | undefined

  constructor(private readonly deliveries: StreamDeliveries) {
    this.finished = new Promise((resolve) => {
      this.settleFinished = resolve
    })
    // Whoever ends the stream sees its failure; this promise only reports it again.
    this.finished.catch(() => undefined)
  }

  /** The whole text given so far. */
  get text(): string {
    return this.current
  }

  /** False once {@link done} or {@link cancel} was called. */
  get open(): boolean {
    return this.endedBy === undefined
  }

  /** Why this stream goes as ordinary replies instead of one growing message; `undefined` while it streams. */
  get degraded(): string | undefined {
    return this.degradedBecause
  }

  /** Replaces the text with `fullText` (the whole answer so far). Throws {@link StreamClosedError} after done/cancel. */
  update(fullText: string): void {
    if (typeof fullText !== 'string') throw new TypeError(`stream.update() takes a string; got ${typeof fullText}.`)
    if (this.endedBy) throw new StreamClosedError('update', this.endedBy)
    this.current = fullText
    this.deliveries.live?.update(fullText)
  }

  /** Adds `delta` to the end of the text (a chunk from a model). Throws {@link StreamClosedError} after done/cancel. */
  append(delta: string): void {
    if (typeof delta !== 'string') throw new TypeError(`stream.append() takes a string; got ${typeof delta}.`)
    if (this.endedBy) throw new StreamClosedError('append', this.endedBy)
    this.update(this.current + delta)
  }

  /**
   * Ends the stream with `finalText` (default: the text so far): the last frame in C2C, the ordinary replies
   * elsewhere. Calling it again returns the same promise. Rejects when the final text could not be sent.
   */
  done(finalText?: string): Promise<StreamResult> {
    if (this.ending) return this.ending
    if (finalText !== undefined) {
      if (typeof finalText !== 'string') throw new TypeError(`stream.done() takes a string; got ${typeof finalText}.`)
      this.current = finalText
    }
    this.endedBy = 'done'
    return this.settle(this.finish())
  }

  /**
   * Stops the stream without sending the rest: a C2C stream already showing text is closed with that text;
   * otherwise nothing is sent. Resolves once any last frame went out.
   */
  cancel(): Promise<StreamResult> {
    if (this.ending) return this.ending
    this.endedBy = 'cancelled'
    return this.settle(this.abort())
  }

  /**
   * @internal Records (and logs once) that the text goes as ordinary replies: called by the live stream's first failure too.
   */
  degrade(code: DegradeCode, reason: string): void {
    if (this.degradedBecause !== undefined) return
    this.degradedBecause = reason
    this.deliveries.reportDegraded(code, reason)
  }

  private settle(ending: Promise<StreamResult>): Promise<StreamResult> {
    this.ending = ending
    const closed = () => this.deliveries.onClosed()
    ending.then(closed, closed)
    this.settleFinished(ending)
    return ending
  }

  private async finish(): Promise<StreamResult> {
    const { live } = this.deliveries
    if (live && !live.failed) {
      const outcome = await live.finish(this.current)
      if (outcome.sent) return { delivery: 'stream', text: this.current, ids: idsOf(outcome.streamMsgId) }
      this.degrade(
        'first-frame-refused',
        `the platform refused the stream's first frame (${describeError(outcome.error)})`,
      )
    }
    const ids = await this.deliveries.sendReplies(this.current)
    return { delivery: 'replies', degradedBecause: this.degradedBecause, text: this.current, ids }
  }

  private async abort(): Promise<StreamResult> {
    const { live } = this.deliveries
    if (!live || live.failed)
      return { delivery: 'replies', degradedBecause: this.degradedBecause, text: '', ids: [], cancelled: true }
    const outcome = await live.abort()
    return { delivery: 'stream', text: live.shown, ids: idsOf(outcome.streamMsgId), cancelled: true }
  }
}

function idsOf(id: string | undefined): string[] {
  return id === undefined ? [] : [id]
}
