import { readFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'
import type { EventSink, EventSource } from '../pipeline/event-envelope.js'
import { performance } from 'node:perf_hooks'
import { WebhookHandler, type WebhookRequest, type WebhookResponse } from './webhook-handler.js'
import type { WebhookAdmissionOptions } from './webhook-admission.js'

/**
 * How the webhook endpoint is served, how many unfinished events it takes (`maxPendingEvents`), from how many
 * it holds ACKs (`holdAcksFrom`) and for how long at most (`ackBudgetMs`). The platform only calls ports 80, 443,
 * 8080 and 8443, over HTTPS.
 */
export interface WebhookServerOptions extends WebhookAdmissionOptions {
  /** Default 8080. Use 0 for an ephemeral port (tests). */
  port?: number
  /** Default `0.0.0.0`. */
  host?: string
  /** Callback path, default `/webhook`. Other paths get 404. */
  path?: string
  /** Serve HTTPS with these PEM files (or PEM strings). Omit behind a TLS-terminating proxy. */
  tls?: { certFile: string; keyFile: string } | { cert: string; key: string }
  /** `false`: start no server; mount {@link WebhookSource.nodeHandler} or {@link WebhookSource.fetchHandler} in your own. Default true. */
  listen?: boolean
  /** Reject callbacks signed more than this many seconds from now. Default 300. */
  maxSkewSeconds?: number
  /** Largest body accepted (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number
}

export interface WebhookSourceOptions extends WebhookServerOptions {
  secret: string
  logger: Logger
  metrics: Metrics
}

/** Node's `(req, res)` handler shape (Express, Koa's `app.callback()` style servers, plain `node:http`). */
export type NodeRequestHandler = (
  request: IncomingMessage & { body?: unknown; rawBody?: unknown },
  response: ServerResponse,
) => void

/**
 * The HTTP-callback event source: the platform POSTs signed events, they go through the same pipeline as
 * gateway events (same types, dedupe and backpressure). Serves its own HTTP(S) endpoint, or plugs into an
 * existing app through {@link WebhookSource.nodeHandler} / {@link WebhookSource.fetchHandler}.
 */
export class WebhookSource implements EventSource {
  readonly kind = 'webhook'
  readonly handler: WebhookHandler
  private server: Server | undefined

  private readonly port: number
  private readonly host: string
  /** Made once: the standalone server calls it for every request. */
  private readonly serveNode: NodeRequestHandler

  constructor(private readonly options: WebhookSourceOptions) {
    this.handler = new WebhookHandler(options)
    this.port = options.port ?? 8080
    this.host = options.host ?? '0.0.0.0'
    this.serveNode = (request, response) => this.serve(request, response)
  }

  /** Where the standalone server listens, once started. */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined
    if (!address) return undefined
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    return `${this.options.tls ? 'https' : 'http'}://${host}:${address.port}${this.path}`
  }

  private get path(): string {
    return this.options.path ?? '/webhook'
  }

  async start(sink: EventSink): Promise<void> {
    this.handler.attach(sink)
    if (this.options.listen === false) return
    const requestListener = (request: IncomingMessage, response: ServerResponse) => {
      const url = request.url ?? '/'
      const query = url.indexOf('?')
      if ((query === -1 ? url : url.slice(0, query)) !== this.path)
        return void respond(response, {
          status: 404,
          headers: { 'content-type': 'application/json' },
          body: '{"message":"Not found."}',
        })
      this.serveNode(request, response)
    }
    this.server = this.options.tls
      ? createHttpsServer(readTls(this.options.tls), requestListener)
      : createHttpServer(requestListener)
    const server = this.server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.options.logger.info({ url: this.url }, 'webhook endpoint listening')
  }

  /** Stops accepting events (503, so the platform redelivers later), then closes the server after in-flight requests finish. */
  async stop(): Promise<void> {
    this.handler.attach(undefined)
    const server = this.server
    this.server = undefined
    if (!server) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
    })
  }

  /**
   * A `(req, res)` handler for Express, Fastify (`reply.hijack()`), Koa or `node:http`; reads the raw body itself
   * (or uses `req.rawBody`/a Buffer `req.body`).
   */
  nodeHandler(): NodeRequestHandler {
    return this.serveNode
  }

  /** A `(Request) => Promise<Response>` handler for Hono, Bun, Deno, Cloudflare-style runtimes. */
  fetchHandler(): (request: Request) => Promise<Response> {
    return async (request) => {
      const arrivedAt = performance.now()
      const declared = Number(request.headers.get('content-length') ?? 0)
      if (declared > this.handler.maxBodyBytes) return toResponse(this.handler.tooLarge())
      const body = Buffer.from(await request.arrayBuffer())
      const headers: WebhookRequest['headers'] = {}
      request.headers.forEach((value, name) => (headers[name] = value))
      return toResponse(await this.handler.handle({ method: request.method, headers, body, arrivedAt }))
    }
  }

  private serve(request: Parameters<NodeRequestHandler>[0], response: ServerResponse): void {
    const arrivedAt = performance.now()
    readRawBody(request, this.handler.maxBodyBytes, (error, body) => {
      if (error !== undefined) return this.failed(response, error)
      try {
        const result =
          body === 'too-large'
            ? this.handler.tooLarge()
            : this.handler.answer({ method: request.method ?? 'GET', headers: request.headers, body: body!, arrivedAt })
        // Written in this tick unless the ACK is held: no promise hops between queueing the event and its ACK.
        if (!(result instanceof Promise)) return respond(response, result)
        result.then((answer) => respond(response, answer)).catch((cause: unknown) => this.failed(response, cause))
      } catch (cause) {
        this.failed(response, cause)
      }
    })
  }

  private failed(response: ServerResponse, error: unknown): void {
    this.options.logger.error({ err: error }, 'webhook request failed')
    respond(response, {
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: '{"message":"Bad request."}',
    })
  }
}

function readTls(tls: NonNullable<WebhookServerOptions['tls']>): { cert: string | Buffer; key: string | Buffer } {
  return 'certFile' in tls ? { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) } : tls
}

/**
 * Calls back with the body, or `'too-large'` as soon as it passes `limit` (the rest is not buffered). At once
 * when a body parser already read it; a body that came in one chunk is used as it is, not copied.
 */
function readRawBody(
  request: IncomingMessage & { body?: unknown; rawBody?: unknown },
  limit: number,
  callback: (error: unknown, body?: Buffer | 'too-large') => void,
): void {
  if (Buffer.isBuffer(request.rawBody)) return callback(undefined, request.rawBody)
  if (Buffer.isBuffer(request.body)) return callback(undefined, request.body)
  if (Number(request.headers['content-length'] ?? 0) > limit) {
    request.resume()
    return callback(undefined, 'too-large')
  }
  const chunks: Buffer[] = []
  let size = 0
  let settled = false
  const settle = (error: unknown, body?: Buffer | 'too-large') => {
    if (settled) return
    settled = true
    callback(error, body)
  }
  request.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size > limit) {
      request.removeAllListeners('data')
      request.resume()
      return settle(undefined, 'too-large')
    }
    chunks.push(chunk)
  })
  request.on('end', () => settle(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)))
  request.on('error', (error) => settle(error))
}

function respond(response: ServerResponse, result: WebhookResponse): void {
  if (response.headersSent) return
  response.writeHead(result.status, result.headers)
  response.end(result.body)
}

function toResponse(result: WebhookResponse): Response {
  return new Response(result.body, { status: result.status, headers: result.headers })
}
