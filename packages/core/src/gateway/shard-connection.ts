import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import type { TokenProvider } from '../auth/access-token-manager.js'
import { isRejectedCredential } from '../auth/token-errors.js'
import { RepeatedFailureLog } from '../logging/repeated-failure-log.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventSink } from '../pipeline/event-envelope.js'
import type { SessionStore } from '../session/session-store.js'
import { Backpressure } from './backpressure.js'
import type { CloseAction } from './close-codes.js'
import { GatewayFatalError, ShardRevokedError, unreachableWhileStarting } from './gateway-errors.js'
import { GatewaySocket } from './gateway-socket.js'
import { Handshake, type HandshakeOptions } from './handshake.js'
import { Heartbeat } from './heartbeat.js'
import type { IdentifyLimiter } from './identify-limiter.js'
import { ReconnectPolicy, type ReconnectPolicyOptions } from './reconnect-policy.js'
import { SessionPersister } from './session-persister.js'
import { ShardProtocol } from './shard-protocol.js'
import type { ShardEvents, ShardInfo, ShardStatus, ShardStopOptions } from './shard-types.js'

// Where the client has always imported it from.
export type { ShardInfo } from './shard-types.js'

/** What one shard runs with; the tuning options are declared with the part they configure. */
export interface ShardConnectionOptions extends ReconnectPolicyOptions, HandshakeOptions {
  shardId: number
  shardCount: number
  intents: number
  /** Resolves the gateway URL; `refresh` asks for a fresh one after a failed connect. */
  gatewayUrl: (refresh: boolean) => Promise<string>
  tokens: TokenProvider
  sessions: SessionStore
  sessionKey: string
  limiter: IdentifyLimiter
  sink: EventSink
  logger: Logger
  metrics: Metrics
  /**
   * Asked before every connect, the first and each reconnect. False means this process may no longer run
   * the shard (another one owns it now): the shard stops without touching the session, and emits `revoked`.
   */
  admit?: () => Promise<boolean>
}

/**
 * One gateway connection for one shard, kept alive for as long as the bot runs. It heartbeats on the
 * interval from Hello (with the last seq in `d`) and treats a missing ACK as a dead connection; it
 * RESUMEs after op 7, 4008, 4009, network errors and abnormal closes so the platform replays what was
 * missed; it identifies anew only when the session is gone (4006, 4007, 4900–4913, op 9, or after
 * three failed resumes); fatal codes stop the shard with a {@link GatewayFatalError} event, never an exit.
 */
export class ShardConnection extends EventEmitter<ShardEvents> {
  private readonly heartbeat: Heartbeat
  private readonly handshake: Handshake
  private readonly reconnect: ReconnectPolicy
  private readonly persister: SessionPersister
  private readonly backpressure: Backpressure
  private readonly protocol: ShardProtocol
  private socket: GatewaySocket | undefined
  private currentStatus: ShardStatus = 'idle'
  private stopping = false
  private stopRun: Promise<void> | undefined
  private readonly abort = new AbortController()
  private startWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined
  /** An unreachable platform fails every reconnect: one line, then one per interval, then one on recovery. */
  private readonly lookupFailures: RepeatedFailureLog

  constructor(private readonly options: ShardConnectionOptions) {
    super()
    this.lookupFailures = new RepeatedFailureLog(options.logger)
    const stopping = () => this.stopping
    const socket = () => this.socket
    this.handshake = new Handshake(options)
    this.reconnect = new ReconnectPolicy(options)
    this.persister = new SessionPersister({ ...options, signal: this.abort.signal, stopping })
    this.backpressure = new Backpressure(options.sink, {
      socket,
      handle: (payload) => this.protocol.handle(payload),
      stopping,
      readingStopped: () => this.heartbeat.readingStopped(),
    })
    this.heartbeat = new Heartbeat({
      send: (payload) => this.socket?.send(payload),
      seq: () => this.persister.seq,
      readingPaused: () => this.backpressure.readingPaused,
      zombie: () => this.onZombie(),
    })
    const { heartbeat, handshake, persister, backpressure } = this
    this.protocol = new ShardProtocol(
      options,
      { heartbeat, handshake, persister, backpressure },
      {
        socket,
        status: (status) => this.setStatus(status),
        identifySlot: () => this.takeIdentifySlot(),
        handshakeFailed: (error) => this.onHandshakeError(error),
        ready: (user) => this.onReady(user),
        resumed: () => this.onResumed(),
      },
    )
  }

  get status(): ShardStatus {
    return this.currentStatus
  }

  get info(): ShardInfo {
    return {
      shardId: this.options.shardId,
      shardCount: this.options.shardCount,
      status: this.currentStatus,
      sessionId: this.persister.session?.sessionId,
      seq: this.persister.seq,
      latencyMs: this.heartbeat.latencyMs,
      reconnects: this.reconnect.reconnects,
      paused: this.backpressure.behind,
    }
  }

  /** Connects; resolves on the first READY or RESUMED, rejects on a fatal error or `stop()`. */
  start(): Promise<void> {
    if (this.currentStatus !== 'idle') throw new Error(`Shard ${this.options.shardId} was already started.`)
    return new Promise<void>((resolve, reject) => {
      this.startWaiter = { resolve, reject }
      void this.connect(false)
    })
  }

  /**
   * Closes the connection cleanly (code 1000, or 4000 for a handoff) and stops reconnecting. Keeps the session in
   * the store; events still being handled move its stored seq on as they finish.
   */
  stop(options: ShardStopOptions = {}): Promise<void> {
    // A second caller (a coordinator handing the shard back while the gateway stops) waits for the same stop:
    // returning early would let it release the lease before the drain saved the session. Its options do not
    // apply: the first stop already chose the close code and whether to drain.
    this.stopRun ??= this.stopping ? Promise.resolve() : this.runStop(options)
    return this.stopRun
  }

  private async runStop(options: ShardStopOptions): Promise<void> {
    this.stopping = true
    this.abort.abort(new Error('stopped'))
    this.reconnect.cancel()
    this.clearConnectionTimers()
    this.backpressure.stop()
    await this.persister.save()
    const socket = this.socket
    this.socket = undefined
    await socket?.shutDown(options.handoff === true)
    this.setStatus('stopped')
    this.settleStart(new Error(`Shard ${this.options.shardId} was stopped before it became ready.`))
    if (options.drain !== false) await this.persister.drain()
  }

  private async connect(refreshUrl: boolean): Promise<void> {
    if (this.stopping) return
    this.setStatus('connecting')
    let url: string
    try {
      url = await this.options.gatewayUrl(refreshUrl)
    } catch (error) {
      if (isRejectedCredential(error)) return this.fail(undefined, (error as Error).message)
      const failingForMs = this.startWaiter ? this.reconnect.unreachableWhileStarting() : undefined
      if (failingForMs !== undefined) return this.fail(undefined, unreachableWhileStarting(error, failingForMs))
      this.lookupFailures.failed(
        'lookup',
        'warn',
        { err: error, shard: this.options.shardId },
        'could not get the gateway URL',
      )
      return this.scheduleReconnect({ rateLimited: false, backoff: true })
    }
    this.reconnect.reached()
    this.lookupFailures.recovered('lookup', 'got the gateway URL again')
    if (this.stopping || !(await this.admitted())) return
    await this.persister.restore()
    // Loading may have taken seconds (retries): a stop meanwhile must not be followed by a new socket.
    if (this.stopping) return
    // Take the identify slot before opening the socket: waiting for it (5 s per shard ahead of us)
    // inside an open connection would run into the handshake timeout.
    if (!this.persister.session && !(await this.takeIdentifySlot())) return
    const socket: GatewaySocket = new GatewaySocket(url, this.handshake.timeoutMs, {
      message: (data) => {
        if (socket === this.socket) this.protocol.read(data)
      },
      close: (code, reason, plannedAction) => {
        if (socket === this.socket) this.onClose(code, reason, plannedAction)
      },
      error: (error) => this.options.logger.debug({ err: error, shard: this.options.shardId }, 'gateway socket error'),
    })
    this.socket = socket
    this.handshake.startDeadline(() => {
      this.options.logger.warn({ shard: this.options.shardId }, 'gateway handshake timed out')
      this.socket?.drop('resume')
    })
  }

  private onReady(user: unknown): void {
    const session = this.persister.session!
    this.becameReady()
    this.options.logger.info({ shard: this.options.shardId, sessionId: session.sessionId }, 'gateway ready')
    this.emit('ready', { ...session }, user)
  }

  private onResumed(): void {
    this.options.metrics.inc('gateway_resumes')
    this.becameReady()
    this.options.logger.info({ shard: this.options.shardId, seq: this.persister.seq }, 'gateway session resumed')
    this.emit('resumed', { ...this.persister.session! })
  }

  private onZombie(): void {
    this.options.metrics.inc('gateway_zombies')
    this.options.logger.warn({ shard: this.options.shardId }, 'no heartbeat ACK since the last beat; reconnecting')
    this.socket?.drop('resume')
  }

  private becameReady(): void {
    this.handshake.stopDeadline()
    this.reconnect.connected()
    this.setStatus('ready')
    this.settleStart()
  }

  /** False (with a reconnect scheduled, unless stopping) when the limiter failed or the shard stopped meanwhile. */
  private async takeIdentifySlot(): Promise<boolean> {
    try {
      await this.handshake.takeSlot(this.abort.signal)
      return !this.stopping
    } catch (error) {
      if (!this.stopping) {
        this.options.logger.error({ err: error, shard: this.options.shardId }, 'identify limiter failed')
        this.scheduleReconnect({ rateLimited: false, backoff: true })
      }
      return false
    }
  }

  private onHandshakeError(error: unknown): void {
    if (this.stopping) return
    if (isRejectedCredential(error)) return this.fail(undefined, (error as Error).message)
    this.options.logger.warn(
      { err: error, shard: this.options.shardId },
      'could not send identify/resume; reconnecting',
    )
    this.socket?.drop(this.persister.session ? 'resume' : 'identify')
  }

  private onClose(code: number, reason: string, plannedAction: CloseAction | undefined): void {
    const wasResuming = this.currentStatus === 'resuming'
    this.socket = undefined
    this.clearConnectionTimers()
    // Frames held from this socket were never handed over: the seq stays before them, a RESUME replays them.
    this.backpressure.catchUp(true)
    void this.persister.save()
    if (this.stopping) return
    const verdict = this.reconnect.afterClose({ code, reason, plannedAction, wasResuming })
    this.options.logger.info(
      { shard: this.options.shardId, code, reason, action: verdict.action },
      'gateway connection closed',
    )
    if (verdict.action === 'refresh-token') this.handshake.rejectToken()
    if (verdict.kind === 'fail') return this.fail(code, verdict.detail)
    if (verdict.gaveUpResuming)
      this.options.logger.warn({ shard: this.options.shardId }, 'resume failed repeatedly; identifying anew')
    if (verdict.newSession) this.persister.clear()
    this.scheduleReconnect(verdict)
  }

  private scheduleReconnect(when: { rateLimited: boolean; backoff: boolean }): void {
    if (this.stopping) return
    this.setStatus('reconnecting')
    this.options.metrics.inc('gateway_reconnects', { shard: this.options.shardId })
    this.reconnect.schedule(when, () => void this.connect(when.backoff))
  }

  /** Stops the shard for good: a close code or an error that retrying cannot fix. */
  private fail(closeCode: number | undefined, detail: string | undefined): void {
    const error = new GatewayFatalError(this.options.shardId, closeCode, detail)
    this.stopping = true
    this.clearConnectionTimers()
    this.socket?.terminate()
    this.socket = undefined
    this.setStatus('failed')
    this.options.logger.error({ err: error, shard: this.options.shardId }, 'gateway shard stopped')
    if (this.startWaiter) this.settleStart(error)
    else this.emit('error', error)
  }

  /** Asks `admit()` whether this process still runs the shard; if not, stops here and emits `revoked`. */
  private async admitted(): Promise<boolean> {
    if (!this.options.admit) return true
    let admitted: boolean
    try {
      admitted = await this.options.admit()
    } catch (error) {
      this.options.logger.error(
        { err: error, shard: this.options.shardId },
        'could not check whether this process still owns the shard; retrying',
      )
      this.scheduleReconnect({ rateLimited: false, backoff: true })
      return false
    }
    if (admitted || this.stopping) return admitted && !this.stopping
    this.stopping = true
    this.abort.abort(new Error('revoked'))
    this.clearConnectionTimers()
    this.setStatus('stopped')
    this.options.logger.info(
      { shard: this.options.shardId },
      'another process owns this shard now; stopped running it here',
    )
    this.emit('revoked')
    this.settleStart(new ShardRevokedError(this.options.shardId))
    return false
  }

  private clearConnectionTimers(): void {
    this.heartbeat.stop()
    this.handshake.stopDeadline()
  }

  private setStatus(status: ShardStatus): void {
    if (this.currentStatus === status) return
    this.currentStatus = status
    this.emit('status', status)
  }

  private settleStart(error?: Error): void {
    const waiter = this.startWaiter
    if (!waiter) return
    this.startWaiter = undefined
    if (error) waiter.reject(error)
    else waiter.resolve()
  }
}
