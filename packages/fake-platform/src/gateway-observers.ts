import { EventEmitter } from 'node:events'
import type { GatewayFrame, GatewayFrameListener } from './gateway-types.js'

/**
 * Everything that watches the gateway from outside: frame listeners (every payload in both
 * directions) and waits on a condition that is re-checked on every gateway state change.
 */
export class GatewayObservers {
  private readonly frameListeners = new Set<GatewayFrameListener>()
  private readonly changes = new EventEmitter()
  private shutDown = false

  /** `describeState` is appended to timeout errors so a failed wait shows where the gateway stood. */
  constructor(private readonly describeState: () => string) {
    this.changes.setMaxListeners(0)
  }

  /** Observes every payload sent or received on any socket; returns an unsubscribe function. */
  onFrame(listener: GatewayFrameListener): () => void {
    this.frameListeners.add(listener)
    return () => {
      this.frameListeners.delete(listener)
    }
  }

  /** Tells every frame listener; a throwing listener does not affect the others or the gateway. */
  emitFrame(direction: GatewayFrame['direction'], payload: unknown): void {
    if (this.frameListeners.size === 0) return
    for (const listener of this.frameListeners) {
      try {
        listener({ direction, payload })
      } catch {
        // Observers must not break the gateway.
      }
    }
  }

  /** Signals a state change: pending waits re-check their condition. */
  changed(): void {
    this.changes.emit('change')
  }

  /**
   * Resolves once `condition` holds (checked now and on every change); rejects on timeout, or
   * once {@link shutdown} ran while the condition does not hold.
   */
  waitFor(condition: () => boolean, timeoutMs: number, label: string): Promise<void> {
    if (condition()) return Promise.resolve()
    if (this.shutDown) return Promise.reject(closedError())
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer)
        this.changes.off('change', onChange)
        this.changes.off('closed', onClosed)
      }
      const onChange = (): void => {
        if (condition()) {
          cleanup()
          resolve()
        }
      }
      const onClosed = (): void => {
        cleanup()
        reject(closedError())
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`${label} timed out after ${timeoutMs} ms (stats: ${this.describeState()})`))
      }, timeoutMs)
      this.changes.on('change', onChange)
      this.changes.on('closed', onClosed)
    })
  }

  /** Rejects every pending wait. */
  shutdown(): void {
    this.shutDown = true
    this.changes.emit('closed')
  }
}

function closedError(): Error {
  return new Error('fake platform closed')
}
