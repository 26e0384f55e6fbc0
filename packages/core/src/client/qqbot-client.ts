import type { Logger } from 'pino'
import { AccessTokenManager } from '../auth/access-token-manager.js'
import { resolveHosts } from '../config/hosts.js'
import { ConfigError } from '../errors/qqbot-error.js'
import type { EventPayloadMap, KnownEventName } from '../events/event-names.js'
import { Gateway } from '../gateway/gateway.js'
import type { ShardInfo } from '../gateway/shard-connection.js'
import { intentsForEvents } from '../intents/intents.js'
import { createLogger } from '../logging/logger.js'
import { SecretScrubber } from '../logging/secret-scrubber.js'
import { Metrics, type MetricsSnapshot } from '../metrics/metrics.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import type { EventSource } from '../pipeline/event-envelope.js'
import { EventPipeline, type EventInterceptor, type EventPipelineOptions } from '../pipeline/event-pipeline.js'
import type { SendResult, SentMessage } from '../rest/api-types.js'
import { HttpTransport } from '../http/http-transport.js'
import { OpenApi } from '../rest/open-api.js'
import { RestClient } from '../rest/rest-client.js'
import { ReplySender, type ReplyContent } from '../reply/reply-sender.js'
import { MediaUploader } from '../media/media-uploader.js'
import { MessageRecaller } from '../recall/message-recaller.js'
import { MemorySessionStore } from '../session/session-store.js'
import type { ReplyStream } from '../stream/reply-stream.js'
import { ReplyStreams, type StreamCallOptions } from '../stream/reply-streams.js'
import type { ClientOptions } from './client-options.js'
import { bitsOf, validateOptions } from './validate-options.js'
import { WebhookSource } from '../webhook/webhook-source.js'

/** A handler for one event name; `data` is typed by the name. */
export type EventHandler<N extends string> = (event: DispatchedEvent<N>) => unknown
/** A handler for every event (the command layer plugs in here). */
export type AnyEventHandler = (event: DispatchedEvent) => unknown

/** What an adapter (an ingress) wires into the client's pipeline beyond the public options. */
export type ClientWiring = Pick<EventPipelineOptions, 'dedupeKey'>

/** Lifecycle listeners: a handler failed, a shard stopped for good, a shard became ready. */
interface LifecycleListeners {
  handlerError: Set<(error: unknown, event: DispatchedEvent) => void>
  fatal: Set<(error: Error) => void>
  ready: Set<(shardId: number) => void>
}

/**
 * The core runtime of one bot: access token, REST API, an event source (the gateway by default), the
 * event pipeline and replies. Register handlers with {@link QQBotClient.on}, then {@link QQBotClient.start}.
 */
export class QQBotClient {
  readonly api: OpenApi
  readonly rest: RestClient
  readonly logger: Logger
  readonly tokens: AccessTokenManager
  /** The registry behind {@link metrics}: adapters (an ingress, a broker source) count into it too. */
  readonly metricsRegistry = new Metrics()
  private readonly handlers = new Map<string, AnyEventHandler[]>()
  private readonly anyHandlers: AnyEventHandler[] = []
  private readonly transport: HttpTransport
  private readonly pipeline: EventPipeline
  private readonly replies: ReplySender
  private readonly streams: ReplyStreams
  private readonly recaller: MessageRecaller
  private source: EventSource | undefined
  private webhookSource: WebhookSource | undefined
  private started = false
  private stopping: Promise<void> | undefined
  private readonly listeners: LifecycleListeners = { handlerError: new Set(), fatal: new Set(), ready: new Set() }

  private readonly gatewayUrl: string | undefined

  private isRunning = false

  constructor(
    private readonly options: ClientOptions,
    wiring: ClientWiring = {},
  ) {
    validateOptions(options)
    const scrubber = new SecretScrubber()
    scrubber.add(options.secret, { pinned: true })
    this.logger =
      options.logger ??
      createLogger({
        level: options.logLevel,
        destination: options.logDestination,
        scrubber,
        base: { bot: options.appId },
      })
    const hosts = resolveHosts(options.hosts)
    this.transport = new HttpTransport({ connections: options.rest?.connections })
    this.tokens = new AccessTokenManager({
      appId: options.appId,
      secret: options.secret,
      tokenUrl: hosts.tokenUrl,
      transport: this.transport,
      logger: this.logger,
      metrics: this.metricsRegistry,
      scrubber,
      ...options.accessToken,
    })
    this.rest = new RestClient({
      baseUrl: hosts.api,
      fallbackBaseUrl: hosts.fallbackApi,
      appId: options.appId,
      tokens: this.tokens,
      transport: this.transport,
      logger: this.logger,
      metrics: this.metricsRegistry,
      timeoutMs: options.rest?.timeoutMs,
      retries: options.rest?.retries,
      backoff: options.rest?.backoff,
      limiter: options.rest?.limiter,
    })
    for (const hook of options.rest?.hooks ?? []) this.rest.use(hook)
    this.api = new OpenApi(this.rest)
    const media = new MediaUploader(
      { api: this.api, transport: this.transport, metrics: this.metricsRegistry },
      options.media,
    )
    this.replies = new ReplySender(this.api, {
      ...options.replies,
      metrics: this.metricsRegistry,
      logger: this.logger,
      media,
    })
    this.streams = new ReplyStreams({
      api: this.api,
      replies: this.replies,
      logger: this.logger,
      metrics: this.metricsRegistry,
      options: options.streaming,
    })
    this.recaller = new MessageRecaller(this.api)
    this.pipeline = new EventPipeline({
      logger: this.logger,
      metrics: this.metricsRegistry,
      handler: (event) => this.handle(event),
      onError: (error, event) => this.listeners.handlerError.forEach((listener) => listener(error, event)),
      wants: (name) => this.wants(name),
      ...options.pipeline,
      ...wiring,
    })
    this.gatewayUrl = hosts.gateway
  }

  /** The intent bits the bot will identify with. */
  get intents(): number {
    const { intents, extraIntents = [] } = this.options
    if (typeof intents === 'number') return intents
    if (Array.isArray(intents)) return bitsOf(intents)
    return intentsForEvents(this.handlers.keys()) | bitsOf(extraIntents)
  }

  /** True between a successful start() and stop(). */
  get running(): boolean {
    return this.isRunning
  }

  /** Shard states when the source is the gateway. */
  get shards(): ShardInfo[] {
    return this.source instanceof Gateway ? this.source.shards : []
  }

  /**
   * The webhook source (with `source: 'webhook'`): its `url`, and `nodeHandler()`/`fetchHandler()` to mount
   * the endpoint in an existing app (with `webhook: { listen: false }`).
   */
  get webhook(): WebhookSource {
    if (this.options.source !== 'webhook') throw new ConfigError("client.webhook exists only with source: 'webhook'.")
    this.webhookSource ??= new WebhookSource({
      secret: this.options.secret,
      logger: this.logger,
      metrics: this.metricsRegistry,
      ...this.options.webhook,
    })
    return this.webhookSource
  }

  /** Subscribes to one event. The intents the bot asks for are derived from these subscriptions. */
  on<N extends KnownEventName>(name: N, handler: EventHandler<N>): this
  on(name: string, handler: AnyEventHandler): this
  on(name: string, handler: AnyEventHandler): this {
    let list = this.handlers.get(name)
    if (!list) this.handlers.set(name, (list = []))
    list.push(handler as AnyEventHandler)
    return this
  }

  /** Called after a handler threw (it is already logged and counted; the bot keeps running). */
  onHandlerError(listener: (error: unknown, event: DispatchedEvent) => void): this {
    this.listeners.handlerError.add(listener)
    return this
  }

  /** Called when a shard stops for good (fatal close code, rejected credentials) after start() resolved. */
  onFatal(listener: (error: Error) => void): this {
    this.listeners.fatal.add(listener)
    return this
  }

  /** Called each time a shard gets a new session (READY). */
  onReady(listener: (shardId: number) => void): this {
    this.listeners.ready.add(listener)
    return this
  }

  /**
   * Sees each event before it is queued for handlers; returning true consumes it (handlers never see it).
   * Must be fast and synchronous. The command layer routes answers to `ctx.prompt()` this way.
   */
  intercept(interceptor: EventInterceptor): () => void {
    return this.pipeline.intercept(interceptor)
  }

  /** Subscribes to every event (runs before the per-name handlers). */
  onAny(handler: AnyEventHandler): this {
    this.anyHandlers.push(handler)
    return this
  }

  /** Replies to an event where it came from, as a passive reply (msg_id/event_id, msg_seq). */
  reply<N extends string>(event: DispatchedEvent<N>, content: ReplyContent): Promise<SendResult> {
    return this.replies.reply(event as DispatchedEvent, content)
  }

  /**
   * A reply that grows as its text arrives (an LLM answer): `update(fullText)` or `append(delta)`, then
   * `done()`. In C2C the user sees one message grow; where the platform cannot stream (groups, guilds, a
   * message older than the stream window, a refused first frame) the text goes as ordinary replies on done.
   */
  stream<N extends string>(event: DispatchedEvent<N>, options?: StreamCallOptions): ReplyStream {
    return this.streams.start(event as DispatchedEvent, options)
  }

  /**
   * Recalls a message the bot sent: what a reply resolved with, or `{ scene, targetId, id }`. In groups and
   * C2C the platform allows only the bot's own messages, within 2 minutes of sending: a reply's result carries
   * its send time, so a late recall rejects with `RecallWindowClosedError` before any call; the platform's
   * refusals reject with `RecallWindowClosedError` or `RecallNotOwnMessageError`.
   */
  recall(message: SentMessage | SendResult): Promise<void> {
    return this.recaller.recall(message)
  }

  /** Connects the event source; resolves when every shard is ready. */
  async start(): Promise<void> {
    if (this.started) throw new Error('The client is already started.')
    this.started = true
    const { source = 'gateway' } = this.options
    this.source = source === 'webhook' ? this.webhook : source === 'gateway' ? this.createGateway() : source
    this.source.bind?.({ logger: this.logger, metrics: this.metricsRegistry, wants: (name) => this.wants(name) })
    await this.source.start(this.pipeline)
    this.isRunning = true
  }

  /**
   * Stops receiving, finishes open streamed replies (within `streaming.stopTimeoutMs`), lets running handlers
   * finish, then closes sockets. Calling it again returns the same promise.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.isRunning = false
      // Finished while the source stops, since a source may wait for running handlers (the gateway drains them)
      // and a handler reading a model's answer into a stream returns only once its stream has ended.
      const streamsFinished = this.streams.finishAll()
      await this.source?.stop()
      await streamsFinished
      await this.pipeline.idle()
      // Handlers that were still queued may have opened streams of their own.
      await this.streams.finishAll()
      this.tokens.stop()
      await this.transport.close()
    })()
    return this.stopping
  }

  /** Resolves when no event is queued or being handled. */
  idle(): Promise<void> {
    return this.pipeline.idle()
  }

  /** Counters and gauges now. */
  metrics(): MetricsSnapshot {
    return this.metricsRegistry.snapshot()
  }

  /** The same, in Prometheus text format. */
  metricsText(): string {
    return this.metricsRegistry.toPrometheus()
  }

  private createGateway(): Gateway {
    const gateway = new Gateway({
      appId: this.options.appId,
      intents: this.intents,
      api: this.api,
      tokens: this.tokens,
      sessions: this.options.sessionStore ?? new MemorySessionStore(),
      logger: this.logger,
      metrics: this.metricsRegistry,
      shards: this.options.shards,
      url: this.gatewayUrl,
      limiter: this.options.identifyLimiter,
      coordinator: this.options.shardCoordinator,
      ...this.options.gateway,
    })
    gateway.on('ready', (shardId) => this.listeners.ready.forEach((listener) => listener(shardId)))
    gateway.on('error', (error) => this.listeners.fatal.forEach((listener) => listener(error)))
    return gateway
  }

  /** Whether any handler takes events of this name. */
  private wants(name: string): boolean {
    return this.anyHandlers.length > 0 || this.handlers.has(name)
  }

  private handle(event: DispatchedEvent): unknown {
    const named = this.handlers.get(event.name)
    if (this.anyHandlers.length === 0 && named?.length === 1) return named[0]!(event)
    const results: unknown[] = []
    // Every handler runs even when an earlier one throws synchronously; all failures are reported.
    for (const handler of [...this.anyHandlers, ...(named ?? [])]) {
      try {
        results.push(handler(event))
      } catch (error) {
        results.push(Promise.reject(error))
      }
    }
    return Promise.allSettled(results).then((settled) => {
      const errors = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []))
      if (errors.length === 1) throw errors[0]
      if (errors.length > 1) throw new AggregateError(errors, `${errors.length} handlers failed for ${event.name}`)
    })
  }
}

/** Creates the core runtime of a bot. */
export function createClient(options: ClientOptions): QQBotClient {
  return new QQBotClient(options)
}

export type { EventPayloadMap }
