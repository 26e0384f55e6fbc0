import { createServer, type Server } from 'node:http'
import { ConnectionTracker } from './connection-tracker.js'
import { Directory } from './directory.js'
import { GroupRoster } from './group-roster.js'
import { RestFaults } from './faults.js'
import { GatewayServer } from './gateway-server.js'
import { InteractionLedger } from './interaction-ledger.js'
import { MarkdownRules } from './markdown-rules.js'
import { MessageStore } from './message-store.js'
import { PanelBoard } from './panel-board.js'
import { MediaStore } from './media-store.js'
import { createPartHandler, isPartRequest } from './part-server.js'
import type { ResolvedOptions } from './options.js'
import { Recorder } from './recorder.js'
import { ReplyReferences } from './reply-references.js'
import { createRestHandler } from './rest-server.js'
import { StreamLog } from './stream-log.js'
import { TokenService } from './token-service.js'
import { WebhookDeliverer } from './webhook-delivery.js'

/** The collaborators a {@link FakePlatform} delegates to, wired together over one HTTP server. */
export interface PlatformParts {
  readonly directory: Directory
  readonly webhook: WebhookDeliverer
  readonly server: Server
  readonly tokens: TokenService
  readonly recorder: Recorder
  readonly faults: RestFaults
  readonly messages: MessageStore
  readonly tracker: ConnectionTracker
  readonly gateway: GatewayServer
  readonly panels: PanelBoard
  readonly interactions: InteractionLedger
  readonly markdown: MarkdownRules
  readonly streams: StreamLog
  readonly media: MediaStore
  readonly groups: GroupRoster
}

/** Values the wiring reads from the platform at request time. */
export interface PlatformHooks {
  /** The current `ws://…` gateway URL (empty host until the server listens). */
  gatewayUrl(): string
  /** The current `http://…` base URL (presigned part URLs point at it). */
  baseUrl(): string
  /** The current artificial REST latency. */
  latencyMs(): number
}

/**
 * Builds the token service, REST handler, gateway server and webhook deliverer for `o` and attaches them
 * to a new (not yet listening) HTTP server: REST requests go to the handler, upgrades to the gateway.
 */
export function wirePlatform(o: ResolvedOptions, hooks: PlatformHooks): PlatformParts {
  const recorder = new Recorder()
  const messages = new MessageStore()
  const tracker = new ConnectionTracker()
  const faults = new RestFaults(o.now)
  const directory = new Directory(o.botUser)
  const references = new ReplyReferences(o.now)
  const panels = new PanelBoard(o.now)
  const interactions = new InteractionLedger(o.now)
  const markdown = new MarkdownRules()
  const remember = (t: string, id: string, d: unknown) => {
    references.record(t, id, d)
    interactions.record(t, id, d)
  }
  const streams = new StreamLog()
  const groups = new GroupRoster(o.now)
  const media = new MediaStore(o.media, () => hooks.baseUrl(), o.now)
  const webhook = new WebhookDeliverer(o.appId, o.secret, o.now, remember)
  const tokens = new TokenService(o.appId, o.secret, o.tokenTtlSeconds, o.now)
  const gateway = new GatewayServer({
    heartbeatIntervalMs: o.heartbeatIntervalMs,
    allowedIntents: o.allowedIntents,
    botUser: o.botUser,
    reconnectCloseDelayMs: o.reconnectCloseDelayMs,
    logRetention: o.logRetention,
    sessionStartLimit: o.sessionStartLimit,
    isValidToken: (token) => tokens.isValid(token),
    onDispatch: remember,
  })
  const handler = createRestHandler({
    get gatewayUrl() {
      return hooks.gatewayUrl()
    },
    botUser: o.botUser,
    recommendedShards: o.recommendedShards,
    sessionStartLimit: o.sessionStartLimit,
    directory,
    messages,
    recorder,
    tokens,
    faults,
    replyBudget: o.replyBudget,
    references,
    panels,
    panelErrorCodes: o.panelErrorCodes,
    interactions,
    markdown,
    streams,
    streamIndexBase: o.streamIndexBase,
    streamField: o.streamField,
    now: o.now,
    media,
    groups,
    latencyMs: () => hooks.latencyMs(),
  })
  const parts = createPartHandler(media)
  const server = createServer((req, res) => (isPartRequest(req) ? parts(req, res) : handler(req, res)))
  tracker.attach(server)
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head))
  server.on('clientError', (_error, socket) => socket.destroy())
  return {
    directory,
    webhook,
    server,
    tokens,
    recorder,
    faults,
    messages,
    tracker,
    gateway,
    panels,
    interactions,
    markdown,
    streams,
    media,
    groups,
  }
}
