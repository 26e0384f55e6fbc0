import type { EventSink } from './event-envelope.js'

/**
 * Flow control for a source that pulls its events (a broker consumer): once `push` returned false, `hold()`
 * stops the pulling loop at its next `ready()` until the sink drains. `release()` lets a waiting loop go on
 * (when the source stops).
 */
export class PullGate {
  private held = false
  private wake: (() => void) | undefined

  constructor(private readonly sink: EventSink) {}

  /** True while the sink is full. */
  get holding(): boolean {
    return this.held
  }

  /** Call when `sink.push()` returned false. */
  hold(): void {
    if (this.held) return
    this.held = true
    const unsubscribe = this.sink.onDrain(() => {
      unsubscribe()
      this.held = false
      this.release()
    })
  }

  /** Resolves at once unless held; else when the sink drained, or on `release()`. */
  ready(): Promise<void> {
    if (!this.held) return Promise.resolve()
    return new Promise<void>((resolve) => (this.wake = resolve))
  }

  release(): void {
    this.wake?.()
    this.wake = undefined
  }
}
