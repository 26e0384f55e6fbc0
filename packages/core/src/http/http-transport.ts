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

  async send(request: HttpRequest): Promise<HttpResponse> {
    const response = await this.agent.request({
      origin: request.origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    })
    const text = await response.body.text()
    return {
      status: response.statusCode,
      headers: response.headers,
      body: parseBody(text, response.headers['content-type']),
    }
  }

  close(): Promise<void> {
    return this.agent.close()
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
