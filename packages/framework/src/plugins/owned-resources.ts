import type { ReplyStream } from '@qqbot/core'
import type { Clock } from '../util/clock.js'

/** Logs a failure of something a plugin owns (a timer callback, a dispose callback). */
export type ResourceErrorReport = (error: unknown, what: string) => void

/**
 * What a plugin started through its context and commands: timers and intervals (on the bot's clock), dispose
 * callbacks, and open streamed replies. {@link OwnedResources.dispose} undoes the first two;
 * {@link OwnedResources.finishStreams} ends the streams with the text they have.
 */
export class OwnedResources {
  private readonly timers = new Set<{ handle: unknown }>()
  private readonly disposers: (() => unknown)[] = []
  private readonly streams = new Set<ReplyStream>()
  private disposed = false

  constructor(
    private readonly clock: Clock,
    private readonly report: ResourceErrorReport,
  ) {}

  /** Timers and intervals not cleared yet. */
  get timerCount(): number {
    return this.timers.size
  }

  /** Streams still open. */
  get streamCount(): number {
    return this.streams.size
  }

  setTimeout(callback: () => unknown, ms: number): () => void {
    const timer = { handle: undefined as unknown }
    const cancel = () => this.clear(timer)
    if (this.disposed) return cancel
    timer.handle = this.clock.setTimeout(() => {
      this.timers.delete(timer)
      this.run(callback, 'a timer')
    }, ms)
    this.timers.add(timer)
    return cancel
  }

  setInterval(callback: () => unknown, ms: number): () => void {
    if (!(ms > 0)) throw new TypeError(`setInterval needs a positive number of milliseconds; got ${ms}.`)
    const timer = { handle: undefined as unknown }
    const arm = () => {
      timer.handle = this.clock.setTimeout(() => {
        arm()
        this.run(callback, 'an interval')
      }, ms)
    }
    if (!this.disposed) {
      arm()
      this.timers.add(timer)
    }
    return () => this.clear(timer)
  }

  onDispose(dispose: () => unknown): void {
    if (this.disposed) throw new Error('The plugin is already unloaded: onDispose() came too late.')
    this.disposers.push(dispose)
  }

  trackStream(stream: ReplyStream): void {
    this.streams.add(stream)
    const forget = () => void this.streams.delete(stream)
    stream.finished.then(forget, forget)
  }

  /** Ends every open stream with the text it has and waits for them (the caller bounds the wait). */
  async finishStreams(): Promise<void> {
    await Promise.allSettled([...this.streams].map((stream) => (stream.open ? stream.done() : stream.finished)))
  }

  /** Clears the timers, then runs the dispose callbacks, last first; a failure is reported and the rest still run. */
  async dispose(): Promise<void> {
    this.disposed = true
    for (const timer of [...this.timers]) this.clear(timer)
    for (const dispose of this.disposers.splice(0).reverse()) {
      try {
        await dispose()
      } catch (error) {
        this.report(error, 'a dispose callback')
      }
    }
  }

  private clear(timer: { handle: unknown }): void {
    if (!this.timers.delete(timer)) return
    this.clock.clearTimeout(timer.handle)
  }

  private run(callback: () => unknown, what: string): void {
    try {
      const result = callback()
      if (result instanceof Promise) result.catch((error: unknown) => this.report(error, what))
    } catch (error) {
      this.report(error, what)
    }
  }
}
