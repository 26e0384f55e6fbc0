import WebSocket from 'ws'
import type { CloseAction } from './close-codes.js'
import type { GatewayPayload } from './opcodes.js'

/** Our own close code when we drop a connection to reconnect (op 7, op 9, zombie, handshake timeout) or hand it off. */
const CLIENT_RECONNECT_CLOSE = 4000

export interface GatewaySocketHandlers {
  message(data: Buffer): void
  /** `plannedAction` is set when we closed the socket ourselves to reconnect. */
  close(code: number, reason: string, plannedAction: CloseAction | undefined): void
  error(error: Error): void
}

/**
 * One WebSocket to the gateway: sends payloads while it is open, pauses reading for backpressure, and closes in
 * the ways a shard needs (drop to reconnect, remembering why; shut down or hand off, waiting for the close).
 */
export class GatewaySocket {
  private readonly ws: WebSocket
  /** Set when we close the socket ourselves, so the close handler knows what we meant. */
  private plannedAction: CloseAction | undefined

  constructor(url: string, handshakeTimeoutMs: number, handlers: GatewaySocketHandlers) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: handshakeTimeoutMs })
    this.ws.on('message', (data) => handlers.message(data as Buffer))
    this.ws.on('close', (code, reason) => handlers.close(code, reason.toString(), this.plannedAction))
    this.ws.on('error', (error) => handlers.error(error))
  }

  send(payload: GatewayPayload): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(payload))
  }

  /** Ends the connection at once (or with a close frame, `graceful`); the close handler gets `action`. */
  drop(action: CloseAction, graceful = false): void {
    this.plannedAction = action
    if (graceful && this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(CLIENT_RECONNECT_CLOSE, 'reconnecting')
      // A server that never answers the close frame must not hold us up.
      setTimeout(() => this.ws.readyState !== WebSocket.CLOSED && this.ws.terminate(), 1_000).unref()
    } else {
      this.ws.terminate()
    }
  }

  /**
   * Closes cleanly (1000), or for a `handoff` with 4000, which keeps the session resumable for the next owner;
   * resolves when closed, terminating after 2 s without an answer.
   */
  async shutDown(handoff: boolean): Promise<void> {
    const ws = this.ws
    if (ws.readyState === WebSocket.CLOSED) return
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        ws.terminate()
        resolve()
      }, 2_000)
      ws.once('close', () => {
        clearTimeout(force)
        resolve()
      })
      if (handoff) ws.close(CLIENT_RECONNECT_CLOSE, 'handoff')
      else ws.close(1000, 'shutdown')
    })
  }

  terminate(): void {
    this.ws.terminate()
  }

  pause(): void {
    this.ws.pause()
  }

  resume(): void {
    this.ws.resume()
  }
}
