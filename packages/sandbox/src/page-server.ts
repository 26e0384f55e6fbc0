import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { SOCKET_PATH, protocolError } from './page-protocol.js'
import { SandboxPortInUseError } from './sandbox-errors.js'
import { isAssetPath, serveAsset } from './static-assets.js'

/** What the page server asks of the sandbox. */
export interface PageHandlers {
  /** The first message a newly connected page gets (the whole state). */
  welcome(): unknown
  /** A text message from a page; `reply` answers that page only. */
  message(raw: string, reply: (message: unknown) => void): void
}

/** Above this many buffered bytes a page is too slow to follow the live updates and is disconnected. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024
/** Frames above this size close the socket (ws answers 1009); smaller oversized ones get an error message (page-protocol.ts). */
const MAX_FRAME_BYTES = 1024 * 1024

/** Serves the page's files over HTTP and its live channel over a WebSocket on the same port. */
export class PageServer {
  private readonly server: Server
  private readonly sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
  })
  private baseUrl = ''
  private closing: Promise<void> | undefined

  constructor(private readonly handlers: PageHandlers) {
    this.server = createServer((req, res) => this.serveHttp(req, res))
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head))
    this.server.on('clientError', (_error, socket) => socket.destroy())
  }

  get url(): string {
    return this.baseUrl
  }

  get pages(): number {
    return this.sockets.clients.size
  }

  /** Listens on `host:port`; throws {@link SandboxPortInUseError} when the port is taken. */
  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new SandboxPortInUseError(port, host, { cause: error }) : error)
      this.server.once('error', onError)
      this.server.listen(port, host, () => {
        this.server.off('error', onError)
        resolve()
      })
    })
    const address = this.server.address() as AddressInfo
    const shown = address.address.includes(':') ? `[${address.address}]` : address.address
    this.baseUrl = `http://${shown}:${address.port}/`
  }

  /** Sends `message` to every connected page. */
  broadcast(message: unknown): void {
    if (this.sockets.clients.size > 0) this.broadcastText(JSON.stringify(message))
  }

  /** Sends an already serialised message to every connected page. */
  broadcastText(text: string): void {
    for (const socket of this.sockets.clients) this.send(socket, text)
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const socket of this.sockets.clients) socket.terminate()
      this.sockets.close()
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
    return this.closing
  }

  private send(socket: WebSocket, text: string): void {
    if (socket.readyState !== WebSocket.OPEN) return
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES)
      return void socket.close(1008, 'page too slow to follow the updates')
    socket.send(text)
  }

  private serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://sandbox.local').pathname
    if (!isAssetPath(path)) return plain(res, 404, `Not found: ${path}. The sandbox page is at /.`)
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return plain(res, 405, `Method ${req.method ?? '?'} not allowed: the page is read with GET.`, {
        Allow: 'GET, HEAD',
      })
    serveAsset(path, res, req.method === 'HEAD').catch((error: unknown) =>
      plain(res, 500, `Could not read the page's files: ${String(error)}`),
    )
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://sandbox.local').pathname
    // Another site open in the same browser must not drive the sandbox: only pages served from this host may connect.
    const origin = req.headers.origin
    const sameOrigin = origin === undefined || hostOf(origin) === req.headers.host
    if (path !== SOCKET_PATH || !sameOrigin) {
      socket.end(
        `HTTP/1.1 ${sameOrigin ? '404 Not Found' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      )
      return
    }
    this.sockets.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws))
  }

  private onSocket(ws: WebSocket): void {
    const reply = (message: unknown) => this.send(ws, JSON.stringify(message))
    ws.on('error', () => {
      // An oversized frame (1009) or a broken socket: ws closes it; nothing else to clean up.
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) return reply(protocolError('invalid-message', 'Send JSON text messages, not binary frames.'))
      const raw = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
      try {
        this.handlers.message(raw.toString('utf8'), reply)
      } catch (error) {
        reply(
          protocolError(
            'invalid-message',
            `The sandbox could not handle that message: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
      }
    })
    reply(this.handlers.welcome())
  }
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy()
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}
