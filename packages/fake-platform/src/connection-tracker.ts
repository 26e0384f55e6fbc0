import type { IncomingMessage, Server } from 'node:http'
import type { Socket } from 'node:net'

/** REST connection accounting, live (the same object is updated in place). */
export interface HttpConnectionStats {
  /** REST connections open right now. */
  current: number
  /** Highest `current` seen since start (or the last reset). */
  peak: number
  /** REST connections opened since start (or the last reset). */
  total: number
}

/**
 * Tracks every socket the HTTP server accepts (so {@link destroyAll} can end them) and
 * counts REST connections. A connection from a `connection` event is counted when its first
 * HTTP request arrives; connections upgraded to the gateway WebSocket are never counted, so
 * the numbers describe the client's REST pool only.
 */
export class ConnectionTracker {
  /** Live REST connection counters. */
  readonly stats: HttpConnectionStats = { current: 0, peak: 0, total: 0 }
  private readonly sockets = new Set<Socket>()
  private readonly counted = new WeakSet<Socket>()

  /** Subscribes to the server's `connection` and `request` events. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.once('close', () => {
        this.sockets.delete(socket)
        if (this.counted.has(socket)) this.stats.current -= 1
      })
    })
    server.on('request', (req: IncomingMessage) => {
      const socket = req.socket
      if (this.counted.has(socket) || !this.sockets.has(socket)) return
      this.counted.add(socket)
      this.stats.current += 1
      this.stats.total += 1
      if (this.stats.current > this.stats.peak) this.stats.peak = this.stats.current
    })
  }

  /** Restarts `peak` at the current count and `total` at 0. */
  reset(): void {
    this.stats.peak = this.stats.current
    this.stats.total = 0
  }

  /** Destroys every tracked socket (REST and upgraded gateway sockets alike). */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
  }
}
