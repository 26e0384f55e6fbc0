import type { Server } from 'node:http'
import type { ConnectionTracker, HttpConnectionStats } from './connection-tracker.js'
import type { Directory } from './directory.js'
import type { BuiltEvent } from './event-builders.js'
import type { FaultEpisode, FaultEpisodeOptions, FaultMatch, FaultResponse, RestFaults } from './faults.js'
import { GATEWAY_PATH, type GatewayServer } from './gateway-server.js'
import type {
  BurstEvent,
  DispatchOptions,
  DispatchResult,
  GatewayFrameListener,
  GatewayStats,
  ShardStateInfo,
  SocketBacklog,
} from './gateway-types.js'
import { randomHex } from './ids.js'
import type { InteractionLedger } from './interaction-ledger.js'
import type { MarkdownRules } from './markdown-rules.js'
import {
  resolveOptions,
  type BotUser,
  type FakePlatformOptions,
  type ResolvedOptions,
  type SessionStartLimit,
} from './options.js'
import type { MediaStats, MediaStore } from './media-store.js'
import { closeHttp, listenHttp } from './platform-server.js'
import { wirePlatform } from './platform-wiring.js'
import type { RecordedCall, RequestListener, SentListener, SentMessage } from './records.js'
import type { Recorder } from './recorder.js'
import type { StreamLog } from './stream-log.js'
import type { TokenGrant, TokenService } from './token-service.js'
import type { WebhookDeliverer } from './webhook-delivery.js'
import type { PanelBoard } from './panel-board.js'
import type { GroupRoster } from './group-roster.js'

/**
 * A running fake QQ Open Platform: token endpoint, REST API and WebSocket gateway on one
 * local port, with recording, inspection and fault injection. Create with {@link startFakePlatform}.
 */
export class FakePlatform {
  /** Application id the platform accepts. */
  readonly appId: string
  /** Client secret the platform accepts. */
  readonly secret: string
  /** The bot account. */
  readonly botUser: BotUser
  /** The seeded guild directory (mutable, for tests that need more data). */
  readonly directory: Directory
  /** HTTP-callback delivery: signed events, callback validation (op 13), forged requests. */
  readonly webhook: WebhookDeliverer
  /** The app's command panels (`/v2/panels`) and the writes made to them. */
  readonly panels: PanelBoard
  /** Delivered interactions and the acknowledgements accepted (`acks`), enforced on `PUT /interactions/{id}`. */
  readonly interactions: InteractionLedger
  /** Markdown and keyboard rules; `markdown.refuse(scene)` makes the platform refuse them in a scene. */
  readonly markdown: MarkdownRules
  /** Streamed messages (`stream_messages`) and typing indicators accepted: each stream's frames and final text. */
  readonly streams: StreamLog
  /** The groups the bot is in, for group management: seed them, read members and requests, revoke the grant. */
  readonly groups: GroupRoster
  private readonly options: ResolvedOptions
  private readonly server: Server
  private readonly tokens: TokenService
  private readonly recorder: Recorder
  private readonly faults: RestFaults
  private readonly tracker: ConnectionTracker
  private readonly gateway: GatewayServer
  private readonly media: MediaStore
  private latencyMs: number
  private baseUrl = ''
  private closing: Promise<void> | undefined

  /** Use {@link startFakePlatform}; the instance is not listening until {@link listen} resolves. */
  constructor(options: FakePlatformOptions = {}) {
    this.options = resolveOptions(options)
    const o = this.options
    this.appId = o.appId
    this.secret = o.secret
    this.botUser = o.botUser
    this.latencyMs = o.restLatencyMs
    const parts = wirePlatform(o, {
      gatewayUrl: () => this.gatewayUrl,
      baseUrl: () => this.baseUrl,
      latencyMs: () => this.latencyMs,
    })
    this.directory = parts.directory
    this.webhook = parts.webhook
    this.panels = parts.panels
    this.interactions = parts.interactions
    this.markdown = parts.markdown
    this.streams = parts.streams
    this.groups = parts.groups
    this.server = parts.server
    this.tokens = parts.tokens
    this.recorder = parts.recorder
    this.faults = parts.faults
    this.tracker = parts.tracker
    this.gateway = parts.gateway
    this.media = parts.media
  }

  /** `http://127.0.0.1:PORT`: serves REST and the token endpoint `/app/getAppAccessToken`. */
  get url(): string {
    return this.baseUrl
  }

  /** `ws://127.0.0.1:PORT/websocket`. */
  get gatewayUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}${GATEWAY_PATH}`
  }

  /** Requests served by the token endpoint (rejected and fault-injected ones included). */
  get tokenRequests(): number {
    return this.tokens.requests
  }

  /** The most recently issued token, while still valid. */
  get currentToken(): string | undefined {
    return this.tokens.currentToken
  }

  /** Every REST request (token endpoint included), live array. */
  get calls(): RecordedCall[] {
    return this.recorder.calls
  }

  /** Every successfully sent message, live array. */
  get sent(): SentMessage[] {
    return this.recorder.sent
  }

  /** REST connection counters (gateway sockets excluded), live object. */
  get httpConnections(): HttpConnectionStats {
    return this.tracker.stats
  }

  /** The live `session_start_limit` (identifies decrement `remaining`). */
  get sessionStartLimit(): SessionStartLimit {
    return this.options.sessionStartLimit
  }

  /** Media upload counters (prepares, instant uploads, parts stored, most part PUTs in flight at once), live object. */
  get mediaStats(): MediaStats {
    return this.media.stats
  }

  /** Gateway counters, live object. */
  get gatewayStats(): GatewayStats {
    return this.gateway.stats
  }

  /** Binds the server to the configured host and port. */
  async listen(): Promise<void> {
    this.baseUrl = await listenHttp(this.server, this.options.port, this.options.host)
  }

  // ---------------------------------------------------------------- tokens

  /** Every issued token becomes invalid immediately; the next request issues a fresh one. */
  expireAllTokens(): void {
    this.tokens.expireAll()
  }

  /** Issues (or returns the current) token without an HTTP round trip; not counted in {@link tokenRequests}. */
  issueToken(): TokenGrant {
    return this.tokens.grant()
  }

  // ---------------------------------------------------------------- recording

  /** Observes REST calls as they complete; returns an unsubscribe function. */
  onRequest(listener: RequestListener): () => void {
    return this.recorder.onRequest(listener)
  }

  /** Observes messages as the platform accepts them; returns an unsubscribe function. */
  onSent(listener: SentListener): () => void {
    return this.recorder.onSent(listener)
  }

  /** Resolves with {@link sent} once it holds at least `count` messages (default timeout 5 s). */
  waitForSent(count: number, timeoutMs?: number): Promise<SentMessage[]> {
    return this.recorder.waitForSent(count, timeoutMs)
  }

  /** Empties {@link calls}, {@link sent} and {@link streams} in place. */
  clearRecords(): void {
    this.recorder.clear()
    this.streams.clear()
  }

  /** Restarts `httpConnections.peak` at the current count and `total` at 0. */
  resetConnectionStats(): void {
    this.tracker.reset()
  }

  // ---------------------------------------------------------------- REST faults

  /** The next `times` requests matching `match` get `response` (recorded in calls, never in sent). */
  failNext(match: FaultMatch, response: FaultResponse, times = 1): void {
    this.faults.add(match, response, times)
  }

  /**
   * A fault episode: for `durationMs` of the platform's clock (or until `stop()`), every `every`-th matching
   * request, a seeded `fraction` of them, or those beyond `perSecond` per path, get `response`. E.g. a
   * rate-limit storm on every send: `failFor({ path: /\/messages$/ }, { status: 429 }, { fraction: 1 / 3, durationMs: 60_000 })`.
   * Armed `failNext` rules answer first.
   */
  failFor(match: FaultMatch, response: FaultResponse, episode: FaultEpisodeOptions = {}): FaultEpisode {
    return this.faults.addEpisode(match, response, episode)
  }

  /**
   * The next `times` sends matching `match` are held for review, as the platform answers them: HTTP 202 with
   * `{ code: 304024, message, data: { message_audit: { audit_id } } }`. Nothing lands in {@link sent}.
   * Returns the audit id.
   */
  holdForAudit(match: FaultMatch, auditId = `audit-${randomHex(8)}`, times = 1): string {
    const body = {
      code: 304024,
      message: 'push message is waiting for audit',
      data: { message_audit: { audit_id: auditId } },
    }
    this.faults.add(match, { status: 202, body }, times)
    return auditId
  }

  /** Disarms every pending {@link failNext} and {@link holdForAudit} rule and ends every {@link failFor} episode. */
  clearFaults(): void {
    this.faults.clear()
  }

  /** Sets the artificial delay before every REST response. */
  setRestLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms)
  }

  // ---------------------------------------------------------------- gateway

  /** Logs an event for the target shard and sends it if a socket is bound (see {@link GatewayServer.dispatch}). */
  dispatch(t: string, d: unknown, opts?: DispatchOptions): DispatchResult {
    return this.gateway.dispatch(t, d, opts)
  }

  /** Dispatches a builder result; its `id` (if any) becomes the payload id unless `opts.id` is given. */
  dispatchEvent(event: BuiltEvent<unknown>, opts: DispatchOptions = {}): DispatchResult {
    const target: DispatchOptions = { ...opts }
    if (target.id === undefined && event.id !== undefined) target.id = event.id
    return this.gateway.dispatch(event.t, event.d, target)
  }

  /** Dispatches `count` events with socket backpressure (waits while more than ~4 MiB is buffered). */
  dispatchBurst(
    count: number,
    make: (i: number) => BurstEvent,
    opts?: Omit<DispatchOptions, 'id'>,
  ): Promise<DispatchResult[]> {
    return this.gateway.dispatchBurst(count, make, opts)
  }

  /** Clean close of the shard's socket; 4006/4007/4900–4915 also invalidate the session. */
  closeConnection(shard: number, code: number, reason?: string): boolean {
    return this.gateway.closeConnection(shard, code, reason)
  }

  /** Kills the shard's socket without a close frame. */
  dropConnection(shard = 0): boolean {
    return this.gateway.dropConnection(shard)
  }

  /** Resets the shard's TCP connection (RST). */
  resetConnection(shard = 0): boolean {
    return this.gateway.resetConnection(shard)
  }

  /** Sends op 7, then closes with 4009 after `reconnectCloseDelayMs` unless the client closed first. */
  requestReconnect(shard = 0): boolean {
    return this.gateway.requestReconnect(shard)
  }

  /** Sends op 9 (`d: false`) and deletes the shard's session; the socket stays open. */
  invalidateSession(shard = 0): boolean {
    return this.gateway.invalidateSession(shard)
  }

  /** Enables or disables heartbeat ACKs. */
  setHeartbeatAck(enabled: boolean): void {
    this.gateway.setHeartbeatAck(enabled)
  }

  /** Makes the next `count` resume attempts fail with close `code` (default 1011); the session stays valid. */
  failResumes(count: number, code?: number): void {
    this.gateway.failResumes(count, code)
  }

  /** Sends an arbitrary text frame on the shard's socket. */
  sendRaw(shard: number, text: string): boolean {
    return this.gateway.sendRaw(shard, text)
  }

  /** Observes every gateway payload in both directions (identify/resume frames carry tokens: redact before logging). */
  onGatewayFrame(listener: GatewayFrameListener): () => void {
    return this.gateway.onFrame(listener)
  }

  /** Snapshot of a shard. */
  shardState(shard = 0, count?: number): ShardStateInfo {
    return this.gateway.shardState(shard, count)
  }

  /** Bytes buffered on the shard's socket and logged events not yet handed to it. */
  socketBacklog(shard = 0, count?: number): SocketBacklog {
    return this.gateway.socketBacklog(shard, count)
  }

  /** Resolves once `predicate(gatewayStats)` holds (default timeout 5 s). */
  waitForGateway(predicate: (stats: GatewayStats) => boolean, timeoutMs?: number): Promise<GatewayStats> {
    return this.gateway.waitForGateway(predicate, timeoutMs)
  }

  /** Resolves once `shardCount` shards have an open socket with a READY/RESUMED session (default timeout 5 s). */
  waitForReady(shardCount = 1, timeoutMs?: number): Promise<void> {
    return this.gateway.waitForReady(shardCount, timeoutMs)
  }

  // ---------------------------------------------------------------- lifecycle

  /** Terminates every socket (REST keep-alive and gateway) and stops listening. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.gateway.shutdown()
      this.recorder.close()
      this.streams.close()
      this.faults.clear()
      await closeHttp(this.server, this.tracker)
    })()
    return this.closing
  }
}

/** Starts a fake platform on 127.0.0.1 (ephemeral port by default). */
export async function startFakePlatform(options?: FakePlatformOptions): Promise<FakePlatform> {
  const platform = new FakePlatform(options)
  await platform.listen()
  return platform
}
