import type { Directory } from './directory.js'
import type { GroupRoster } from './group-roster.js'
import type { InteractionLedger } from './interaction-ledger.js'
import type { MarkdownRules } from './markdown-rules.js'
import { errorBody } from './http-util.js'
import type { MediaStore } from './media-store.js'
import type { MessageStore } from './message-store.js'
import type { PanelBoard } from './panel-board.js'
import type { BotUser, ReplyBudget, SessionStartLimit } from './options.js'
import type { Recorder } from './recorder.js'
import type { ReplyReferences } from './reply-references.js'
import type { StreamLog } from './stream-log.js'
import type { ResolvedStreamFieldOptions } from './stream-field-routes.js'

/** What the route handlers need from the platform. */
export interface RestContext {
  /** `ws://…/websocket` URL handed out by `GET /gateway[/bot]`. */
  readonly gatewayUrl: string
  /** The bot account. */
  readonly botUser: BotUser
  /** `shards` in `GET /gateway/bot`. */
  readonly recommendedShards: number
  /** Live session start limit (the gateway decrements `remaining`). */
  readonly sessionStartLimit: SessionStartLimit
  /** Seeded guild directory. */
  readonly directory: Directory
  /** Accepted messages and v2 dedupe. */
  readonly messages: MessageStore
  /** Where accepted messages are recorded. */
  readonly recorder: Recorder
  /** Passive replies accepted per inbound group/C2C message or event; past it a send gets 22009. */
  readonly replyBudget: Readonly<ReplyBudget>
  /** The inbound events a passive reply may name (kind, chat, window). */
  readonly references: ReplyReferences
  /** The app's command panels. */
  readonly panels: PanelBoard
  /** How panel error codes are written: `prefixed` (`40030021`, one SDK's reading) or `short` (`30021`). */
  readonly panelErrorCodes: 'prefixed' | 'short'
  /** Delivered interactions and their acknowledgements. */
  readonly interactions: InteractionLedger
  /** Keyboard shape, and the per-scene refusal of markdown and keyboards. */
  readonly markdown: MarkdownRules
  /** Streams and typing indicators accepted. */
  readonly streams: StreamLog
  /** The `index` a stream's first frame must carry (0 or 1). */
  readonly streamIndexBase: 0 | 1
  /** How the older `stream` field of a C2C message is read. */
  readonly streamField: ResolvedStreamFieldOptions
  /** The platform's clock (ms), for stream windows and frame spacing. */
  readonly now: () => number
  /** Media upload sessions, known files, quota and caps. */
  readonly media: MediaStore
  /** The groups the bot is in, for the group-management endpoints. */
  readonly groups: GroupRoster
}

/** An authenticated REST request after parsing. */
export interface RouteRequest {
  /** HTTP method, upper case. */
  method: string
  /** URL path. */
  path: string
  /** Query parameters. */
  query: Record<string, string>
  /** Parsed body. */
  body: unknown
  /** Trace id of this request, for error bodies. */
  traceId: string
}

/** A route's answer; `body: undefined` means an empty body. */
export interface RouteResult {
  /** HTTP status. */
  status: number
  /** JSON body, or `undefined` for none. */
  body?: unknown
}

export type Handler = (req: RouteRequest, params: string[], ctx: RestContext) => RouteResult

export interface Route {
  method: string
  pattern: RegExp
  handler: Handler
}

const SEG = '([^/]+)'

export function route(method: string, path: string, handler: Handler): Route {
  return { method, pattern: new RegExp(`^${path.replaceAll(':p', SEG)}/?$`), handler }
}

export function fail(req: RouteRequest, status: number, code: number, message: string): RouteResult {
  return { status, body: errorBody(req.traceId, code, message) }
}
