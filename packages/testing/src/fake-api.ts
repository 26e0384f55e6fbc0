import type { RestHook, RestRequest, Scene } from '@qqbot/core'
import { bodyText } from './message-events.js'

/** One REST call the bot made, as the fake API saw it. */
export interface RecordedApiCall {
  method: string
  path: string
  route: string
  body: unknown
}

/** A message the bot sent, by scene and target. */
export interface SentReply {
  /** The scene of the send endpoint (`guild`: `/channels/{channel_id}/messages`). */
  scene: Scene
  target: string
  body: Record<string, unknown>
  /** The text, for assertions (`content`, or markdown content). */
  text: string | undefined
}

const SEND_ROUTES: [RegExp, Scene][] = [
  [/^\/channels\/([^/]+)\/messages$/, 'guild'],
  [/^\/dms\/([^/]+)\/messages$/, 'dm'],
  [/^\/v2\/groups\/([^/]+)\/messages$/, 'group'],
  [/^\/v2\/users\/([^/]+)\/messages$/, 'c2c'],
]

/**
 * A fake OpenAPI as a REST hook: every call is recorded and answered in memory, so a test bot never opens a
 * socket (and never asks for a token). Sends answer `{ id, timestamp }`; uploads a `file_info` (a chunked one
 * completes at once, as an instant upload); `GET /users/@me` the bot user; anything else `{}`. `respond()`
 * overrides an answer for one route.
 */
export class FakeApi {
  readonly calls: RecordedApiCall[] = []
  readonly sent: SentReply[] = []
  private readonly overrides = new Map<string, (request: RestRequest) => unknown>()
  private messageCounter = 0

  constructor(readonly botUser = { id: '1000000000000000001', username: 'test-bot', bot: true }) {}

  /** Answers `route` (e.g. `GET /guilds/{guild_id}/roles`) with `answer`'s result; throwing makes the call fail. */
  respond(route: string, answer: (request: RestRequest) => unknown): void {
    this.overrides.set(route, answer)
  }

  readonly hook: RestHook = async (request) => {
    const route = request.route ?? `${request.method} ${request.path}`
    this.calls.push({ method: request.method, path: request.path, route, body: request.body })
    const override = this.overrides.get(route)
    if (override) return { status: 200, data: await override(request), traceId: undefined }
    return { status: 200, data: this.answer(request), traceId: undefined }
  }

  private answer(request: RestRequest): unknown {
    if (request.method === 'GET' && request.path === '/users/@me') return this.botUser
    if (request.method === 'POST' && request.path.endsWith('/files'))
      return { file_uuid: `file-${++this.messageCounter}`, file_info: `info-${this.messageCounter}`, ttl: 0 }
    // A chunked upload (media of 5 MiB or more) completes at once, as an instant upload: no parts to send.
    if (request.method === 'POST' && request.path.endsWith('/upload_prepare'))
      return { upload_id: `upload-${++this.messageCounter}`, block_size: 1024 * 1024, parts: [] }
    for (const [pattern, scene] of SEND_ROUTES) {
      const match = request.method === 'POST' ? pattern.exec(request.path) : null
      if (!match) continue
      const body = (request.body ?? {}) as Record<string, unknown>
      // A typing indicator (msg_type 6) is not a message: it stays in `calls` only.
      if (body.msg_type === 6) return { timestamp: new Date().toISOString() }
      this.sent.push({ scene, target: decodeURIComponent(match[1]!), body, text: bodyText(body) })
      return { id: `msg-${++this.messageCounter}`, timestamp: new Date().toISOString() }
    }
    return {}
  }
}
