import type { StreamClock } from './stream-options.js'
import { StreamStartError } from './stream-errors.js'
import type { StreamWire } from './stream-wire.js'

/** What the frames tell a stream's typing indicator (see `TypingIndicator`). */
export interface FrameTyping {
  /** Settles when the first frame may go (the indicator was sent, or failed). */
  readonly ready: Promise<unknown>
  /** The first frame went out, or the stream degraded: no more renewals. */
  stop(): void
  /** The stream ended showing nothing: take the indicator down. */
  withdraw(): Promise<void>
}

/** How a framed stream ended: its final frame went out (with the stream's id), or the platform never took it. */
export type FramedOutcome = { sent: true; streamMsgId: string | undefined } | { sent: false; error: unknown }

export interface FramedStreamInit {
  wire: StreamWire
  clock: StreamClock
  /** Least time between two frames (already clamped to the platform's minimum). */
  intervalMs: number
  /** The first frame's `index`. */
  indexBase: number
  /** The stream's typing indicator, if it has one: the first frame waits for it and stops it. */
  typing: FrameTyping | undefined
  /** Called once when the first frame fails: the platform did not take this stream. */
  onStartFailed: (error: unknown) => void
  /** Called when a later frame fails; the next frame carries the whole text, so the stream goes on. */
  onFrameFailed: (error: unknown) => void
}

/**
 * The frames of one live C2C stream. Frames never overlap and are at least `intervalMs` apart (counted from
 * the previous answer, so they also arrive that far apart); when updates come faster only the newest text
 * goes. The first frame goes as soon as there is text; the last one is sent by {@link finish}.
 */
export class FramedStream {
  private latest = ''
  private shownText: string | undefined
  private nextIndex: number
  private streamMsgId: string | undefined
  private lastFrameAt: number | undefined
  private timer: unknown
  private inFlight: Promise<void> | undefined
  private closing = false
  private startError: unknown
  private startFailed = false

  constructor(private readonly init: FramedStreamInit) {
    this.nextIndex = init.indexBase
  }

  /** True once the platform refused the first frame: the text must go another way. */
  get failed(): boolean {
    return this.startFailed
  }

  /** The text of the last frame the platform took (what the user sees); `''` before the first. */
  get shown(): string {
    return this.shownText ?? ''
  }

  /** Takes the whole text so far; a frame with it goes out when the throttle allows. */
  update(text: string): void {
    this.latest = text
    this.schedule()
  }

  /** Sends the final frame with `text` (or the text already shown when `text` is empty), after any frame in flight. */
  async finish(text: string): Promise<FramedOutcome> {
    this.closing = true
    this.cancelTimer()
    await this.inFlight
    if (this.startFailed) return { sent: false, error: this.startError }
    const finalText = text !== '' ? text : (this.shownText ?? '')
    if (finalText === '') {
      await this.init.typing?.withdraw()
      return { sent: true, streamMsgId: undefined }
    }
    await this.init.typing?.ready
    await this.spacing()
    try {
      await this.sendFrame(finalText, true)
    } catch (error) {
      if (this.streamMsgId === undefined) return { sent: false, error }
      throw error
    }
    return { sent: true, streamMsgId: this.streamMsgId }
  }

  /** Stops sending new text; a started stream is closed with a final frame holding what the user already sees. */
  async abort(): Promise<{ sent: true; streamMsgId: string | undefined }> {
    this.closing = true
    this.cancelTimer()
    await this.inFlight
    if (this.streamMsgId === undefined || this.shownText === undefined) {
      await this.init.typing?.withdraw()
      return { sent: true, streamMsgId: undefined }
    }
    await this.spacing()
    await this.sendFrame(this.shownText, true)
    return { sent: true, streamMsgId: this.streamMsgId }
  }

  private schedule(): void {
    if (this.closing || this.startFailed || this.timer !== undefined || this.inFlight) return
    if (this.latest === '' || this.latest === this.shownText) return
    const wait = this.lastFrameAt === undefined ? 0 : this.lastFrameAt + this.init.intervalMs - this.init.clock.now()
    if (wait <= 0) return this.flush()
    this.timer = this.init.clock.setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, wait)
  }

  private flush(): void {
    this.inFlight = this.sendLatest().finally(() => {
      this.inFlight = undefined
      this.schedule()
    })
  }

  private async sendLatest(): Promise<void> {
    await this.init.typing?.ready
    if (this.closing) return
    const first = this.streamMsgId === undefined
    try {
      await this.sendFrame(this.latest, false)
    } catch (error) {
      if (!first) return this.init.onFrameFailed(error)
      this.startFailed = true
      this.startError = error
      this.init.typing?.stop()
      this.init.onStartFailed(error)
    }
  }

  private async sendFrame(text: string, final: boolean): Promise<void> {
    const index = this.nextIndex
    try {
      const result = await this.init.wire.send({ text, index, final, streamMsgId: this.streamMsgId })
      if (this.streamMsgId === undefined) {
        if (typeof result.id !== 'string' || result.id === '') throw new StreamStartError(result)
        this.streamMsgId = result.id
        this.init.typing?.stop()
      }
      this.nextIndex = index + 1
      this.shownText = text
    } finally {
      this.lastFrameAt = this.init.clock.now()
    }
  }

  /** Waits until the next frame may go. */
  private spacing(): Promise<void> {
    if (this.lastFrameAt === undefined) return Promise.resolve()
    const wait = this.lastFrameAt + this.init.intervalMs - this.init.clock.now()
    if (wait <= 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.timer = this.init.clock.setTimeout(() => {
        this.timer = undefined
        resolve()
      }, wait)
    })
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return
    this.init.clock.clearTimeout(this.timer)
    this.timer = undefined
  }
}
