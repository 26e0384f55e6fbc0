import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import type { TokenProvider } from '../auth/access-token-manager.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventSink, EventSource } from '../pipeline/event-envelope.js'
import type { OpenApi } from '../rest/open-api.js'
import type { SessionStore, ShardSession } from '../session/session-store.js'
import { ConfigError } from '../errors/qqbot-error.js'
import { isRejectedCredential } from '../auth/token-errors.js'
import { SessionLimitError } from './gateway-errors.js'
import { LocalIdentifyLimiter, type IdentifyLimiter } from './identify-limiter.js'
import { ShardConnection, type ShardConnectionOptions } from './shard-connection.js'
import type { ShardControl, ShardCoordinator, ShardGuard } from './shard-coordinator.js'
import type { ShardInfo } from './shard-types.js'

/** `'auto'` asks `GET /gateway/bot` for the count; a number runs shards 0..n-1; `{ ids, count }` runs some of `count`. */
export type ShardsOption = 'auto' | number | { ids: number[]; count: number }

/** Every shard gets these; they are declared (with their defaults) by the part of the shard they configure. */
export interface GatewayOptions extends Pick<
  ShardConnectionOptions,
  'backoff' | 'rateLimitDelayMs' | 'maxResumeFailures' | 'handshakeTimeoutMs' | 'startUnreachableMs'
> {
  appId: string
  intents: number
  api: OpenApi
  tokens: TokenProvider
  sessions: SessionStore
  logger: Logger
  metrics: Metrics
  /** Default 1 shard. */
  shards?: ShardsOption
  /** Fixed WebSocket URL; otherwise asked from the API. */
  url?: string
  /** Paces identifies; default a {@link LocalIdentifyLimiter}: one per `identifyIntervalMs` per `max_concurrency` bucket. */
  limiter?: IdentifyLimiter
  /** Spacing of identifies per bucket with the default limiter. Default 5 s (the limiter's own default). */
  identifyIntervalMs?: number
  /** Shares the shards with other processes; this process then runs only the shards it is granted. */
  coordinator?: ShardCoordinator
}

interface GatewayEvents {
  ready: [shardId: number, session: ShardSession, user: unknown]
  resumed: [shardId: number, session: ShardSession]
  error: [error: Error]
}

/**
 * The WebSocket event source: runs one {@link ShardConnection} per shard in this process, asks the API
 * for the URL and shard count, refuses to start more sessions than the platform allows, and paces identifies.
 */
export class Gateway extends EventEmitter<GatewayEvents> implements EventSource {
  readonly kind = 'gateway'
  private readonly connections = new Map<number, ShardConnection>()
  private readonly shardsOption: ShardsOption
  private cachedUrl: string | undefined
  private started = false
  private stopped = false

  constructor(private readonly options: GatewayOptions) {
    super()
    this.shardsOption = options.shards ?? 1
  }

  /** State of every shard run by this process. */
  get shards(): ShardInfo[] {
    return [...this.connections.values()].map((connection) => connection.info)
  }

  async start(sink: EventSink): Promise<void> {
    if (this.started) throw new Error('The gateway is already started.')
    this.started = true
    const { shardIds, shardCount, limiter } = await this.plan()
    try {
      if (this.options.coordinator) {
        await this.options.coordinator.join(shardCount, this.control(shardCount, limiter, sink))
      } else {
        await Promise.all(shardIds.map((shardId) => this.startShard(shardId, shardCount, limiter, sink)))
      }
    } catch (error) {
      // One shard cannot start (fatal close, bad credentials): do not leave the others running half a bot.
      await this.stop()
      throw error
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    // With a coordinator, another process takes these shards over: keep their platform sessions resumable.
    const handoff = this.options.coordinator !== undefined
    await Promise.all([...this.connections.values()].map((connection) => connection.stop({ handoff })))
    await this.options.coordinator?.leave()
  }

  /** What the coordinator drives: start and stop single shards of this process. */
  private control(shardCount: number, limiter: IdentifyLimiter, sink: EventSink): ShardControl {
    return {
      start: (shardId, guard) => this.startShard(shardId, shardCount, limiter, sink, guard),
      stop: async (shardId, options) => {
        const connection = this.connections.get(shardId)
        if (!connection) return
        this.connections.delete(shardId)
        await connection.stop(options)
      },
      running: () => [...this.connections.keys()],
      runtime: { logger: this.options.logger, metrics: this.options.metrics },
    }
  }

  private async startShard(
    shardId: number,
    shardCount: number,
    limiter: IdentifyLimiter,
    sink: EventSink,
    guard?: ShardGuard,
  ): Promise<void> {
    if (this.stopped) return
    if (this.connections.has(shardId)) throw new Error(`Shard ${shardId} is already running in this process.`)
    const connection = this.createShard(shardId, shardCount, limiter, sink, guard)
    this.connections.set(shardId, connection)
    connection.on('revoked', () => {
      if (this.connections.get(shardId) === connection) this.connections.delete(shardId)
    })
    await connection.start()
  }

  private async plan(): Promise<{ shardIds: number[]; shardCount: number; limiter: IdentifyLimiter }> {
    const shards = this.shardsOption
    if (shards === 'auto') {
      const info = await this.options.api.getGatewayBot()
      this.cachedUrl = this.options.url ?? info.url
      const count = Math.max(1, info.shards)
      const limit = info.session_start_limit
      if (limit && limit.remaining < count) throw new SessionLimitError(count, limit.remaining, limit.reset_after)
      return {
        shardIds: range(count),
        shardCount: count,
        limiter: this.options.limiter ?? this.localLimiter(limit?.max_concurrency),
      }
    }
    const { ids, count } = typeof shards === 'number' ? { ids: range(shards), count: shards } : shards
    if (!Number.isInteger(count) || count < 1)
      throw new ConfigError(`shards must be 'auto', a positive integer or { ids, count }; got count ${count}.`)
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= count)
    if (bad !== undefined) throw new ConfigError(`Shard id ${bad} is outside 0..${count - 1}.`)
    await this.checkCredentials()
    return { shardIds: ids, shardCount: count, limiter: this.options.limiter ?? this.localLimiter(1) }
  }

  private localLimiter(maxConcurrency: number | undefined): IdentifyLimiter {
    return new LocalIdentifyLimiter(maxConcurrency, this.options.identifyIntervalMs)
  }

  /**
   * With a fixed shard count nothing else asks the API before the shards connect: fetch the token now, so
   * rejected credentials fail start() with the TokenError itself, as with `shards: 'auto'`. A transient
   * failure is left to the shards, which retry.
   */
  private async checkCredentials(): Promise<void> {
    try {
      await this.options.tokens.getToken()
    } catch (error) {
      if (isRejectedCredential(error)) throw error
    }
  }

  private createShard(
    shardId: number,
    shardCount: number,
    limiter: IdentifyLimiter,
    sink: EventSink,
    guard?: ShardGuard,
  ): ShardConnection {
    const { options } = this
    const connection = new ShardConnection({
      shardId,
      shardCount,
      intents: options.intents,
      gatewayUrl: (refresh) => this.gatewayUrl(refresh),
      tokens: options.tokens,
      sessions: guard?.sessions ?? options.sessions,
      sessionKey: `${options.appId}:${shardId}/${shardCount}`,
      limiter,
      sink: guard?.sink ? guard.sink(sink) : sink,
      admit: guard?.admit,
      logger: options.logger,
      metrics: options.metrics,
      backoff: options.backoff,
      rateLimitDelayMs: options.rateLimitDelayMs,
      maxResumeFailures: options.maxResumeFailures,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      startUnreachableMs: options.startUnreachableMs,
    })
    connection.on('ready', (session, user) => this.emit('ready', shardId, session, user))
    connection.on('resumed', (session) => this.emit('resumed', shardId, session))
    connection.on('error', (error) => {
      if (this.listenerCount('error') > 0) this.emit('error', error)
    })
    return connection
  }

  private async gatewayUrl(refresh: boolean): Promise<string> {
    if (this.options.url) return this.options.url
    if (!this.cachedUrl || refresh) this.cachedUrl = (await this.options.api.getGateway()).url
    return this.cachedUrl
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i)
}
