import { Agent, type Dispatcher } from 'undici'

export interface HttpTransportOptions {
  /** Most sockets opened to one origin; requests beyond it wait in undici's queue. Default 32. */
  connections?: number
  /** Idle keep-alive before a socket is closed, default 30 s. */
  keepAliveTimeoutMs?: number
  /** TCP/TLS connect timeout, default 5 s. */
  connectTimeoutMs?: number
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON when the body is JSON, the raw text otherwise, `undefined` when empty. */
  body: unknown
}

export interface HttpRequest {
  /** `scheme://host:port`, no path. */
  origin: string
  /** Path with query string. */
  path: string
  method: Dispatcher.HttpMethod
  headers: Record<string, string>
  body?: string | Buffer
  timeoutMs: number
}

/**
 * The one place sockets are opened. An undici Agent keeps one bounded pool per origin, so a burst of
 * thousands of sends shares at most `connections` sockets instead of opening one each.
 */
export class HttpTransport {
  private readonly agent: Agent

  constructor(options: HttpTransportOptions = {}) {
    this.agent = new Agent({
      connections: options.connections ?? 32,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      connect: { timeout: options.connectTimeoutMs ?? 5_000 },
    })
  }

  /**
   * Sends the request and collects the whole answer. Through `dispatch` rather than `agent.request`: the body
   * is read into one buffer as it arrives, without the readable stream, async resource and promise chain
   * `request` sets up per call to hand back a body that is read whole anyway.
   */
  send(request: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      this.agent.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        },
        new ResponseCollector(resolve, reject),
      )
    })
  }

  close(): Promise<void> {
    return this.agent.close()
  }
}

/** Gathers one response: status and headers, then the body's chunks, parsed when it ends. */
class ResponseCollector implements Dispatcher.DispatchHandler {
  private status = 0
  private headers: HttpResponse['headers'] = {}
  private chunks: Buffer[] = []

  constructor(
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  /** Called again when undici sends the request anew on another socket: anything gathered is from the failed try. */
  onRequestStart(): void {
    this.chunks = []
  }

  /** Called for each 1xx answer too: the last call is the final status. */
  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: HttpResponse['headers']): void {
    this.status = status
    this.headers = headers
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    const { chunks } = this
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    let text = bytes.toString('utf8')
    // A leading byte order mark is not part of the text (undici's `body.text()` dropped it too).
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    this.resolve({ status: this.status, headers: this.headers, body: parseBody(text, this.headers['content-type']) })
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.reject(error)
  }
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text.length === 0) return undefined
  const type = Array.isArray(contentType) ? contentType[0] : contentType
  if (type?.includes('json') || text[0] === '{' || text[0] === '[') {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}
