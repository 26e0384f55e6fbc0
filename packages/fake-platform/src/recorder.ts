import type { RecordedCall, RequestListener, SentListener, SentMessage } from './records.js'

interface SentWaiter {
  count: number
  resolve: (sent: SentMessage[]) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

/** Keeps the REST call log and the accepted-message log, and lets tests wait on them. */
export class Recorder {
  /** Every REST request, in arrival order of their responses. Cleared in place. */
  readonly calls: RecordedCall[] = []
  /** Every successfully sent message. Cleared in place. */
  readonly sent: SentMessage[] = []
  private readonly listeners = new Set<RequestListener>()
  private readonly sentListeners = new Set<SentListener>()
  private readonly waiters = new Set<SentWaiter>()
  private closedError: Error | undefined

  /** Appends a call and notifies listeners; a throwing listener does not affect the others. */
  recordCall(call: RecordedCall): void {
    this.calls.push(call)
    for (const listener of this.listeners) {
      try {
        listener(call)
      } catch {
        // Listeners belong to tests; their failures must not break the server.
      }
    }
  }

  /** Appends an accepted message and resolves satisfied waiters. */
  recordSent(message: SentMessage): void {
    this.sent.push(message)
    for (const listener of this.sentListeners) {
      try {
        listener(message)
      } catch {
        // Same as call listeners: an observer's failure must not break the send.
      }
    }
    for (const waiter of this.waiters) {
      if (this.sent.length >= waiter.count) {
        this.waiters.delete(waiter)
        clearTimeout(waiter.timer)
        waiter.resolve(this.sent)
      }
    }
  }

  /** Registers a live call listener; returns a function that removes it. */
  onRequest(listener: RequestListener): () => void {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Registers a live sent-message listener; returns a function that removes it. */
  onSent(listener: SentListener): () => void {
    this.sentListeners.add(listener)
    return () => {
      this.sentListeners.delete(listener)
    }
  }

  /** Resolves with {@link sent} once it holds at least `count` messages. */
  waitForSent(count: number, timeoutMs = 5000): Promise<SentMessage[]> {
    if (this.sent.length >= count) return Promise.resolve(this.sent)
    if (this.closedError) return Promise.reject(this.closedError)
    return new Promise((resolve, reject) => {
      const waiter: SentWaiter = {
        count,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter)
          reject(new Error(`waitForSent(${count}) timed out after ${timeoutMs} ms with ${this.sent.length} sent`))
        }, timeoutMs),
      }
      this.waiters.add(waiter)
    })
  }

  /** Empties {@link calls} and {@link sent} (the same array objects stay in use). */
  clear(): void {
    this.calls.length = 0
    this.sent.length = 0
  }

  /** Rejects every pending waiter; later waits reject immediately. */
  close(): void {
    this.closedError = new Error('fake platform closed')
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer)
      waiter.reject(this.closedError)
    }
    this.waiters.clear()
    this.listeners.clear()
    this.sentListeners.clear()
  }
}
