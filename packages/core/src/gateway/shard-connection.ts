import { EventEmitter } from 'node:events'
import { parseJsonLossless } from '../events/lossless-json.js'
import WebSocket from 'ws'
import type { Logger } from 'pino'
import type { TokenProvider } from '../auth/access-token-manager.js'
import { TokenError } from '../auth/token-errors.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventSink } from '../pipeline/event-envelope.js'
import type { SessionStore, ShardSession } from '../session/session-store.js'
import { backoffDelay, type BackoffOptions } from '../util/backoff.js'
import { closeAction, type CloseAction } from './close-codes.js'
import { GatewayFatalError, ShardRevokedError } from './gateway-errors.js'
import { HeldFrames } from './held-frames.js'
import type { IdentifyLimiter } from './identify-limiter.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'
import { SeqWatermark } from './seq-watermark.js'
import { sleep } from '../util/sleep.js'

/** Tries to load the stored session before identifying instead (250 ms, 0.5 s, 1 s, 2 s, 4 s apart). */
const SESSION_LOAD_ATTEMPTS = 6

export type ShardStatus =
  'idle' | 'connecting' | 'identifying' | 'resuming' | 'ready' | 'reconnecting' | 'stopped' | 'failed'

/** What can be read about a shard at any time. */
export interface ShardInfo {
  shardId: number
  shardCount: number
  status: ShardStatus
  sessionId: string | undefined
  /** Last sequence number received. */
  seq: number
  /** Round trip of the last heartbeat, ms. */
  latencyMs: number | undefined
  /** Reconnects since start. */
  reconnects: number
  /**
   * True while handlers are behind: dispatches read from the socket wait in the shard (heartbeat ACKs do not),
   * and past a read-ahead budget the socket is not read until the handlers catch up.
   */
  paused: boolean
}

export interface ShardConnectionOptions {
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
  /** Reconnect backoff, default 1 s doubling to 60 s. Planned reconnects (op 7, 4009) go at once. */
  backoff?: BackoffOptions
  /** Wait at least this long after close 4008 (sent too fast). Default 10 s. */
  rateLimitDelayMs?: number
  /** Consecutive failed resumes before falling back to identify. Default 3. */
  maxResumeFailures?: number
  /** Hello and READY/RESUMED must arrive within this after connecting. Default 30 s. */
  handshakeTimeoutMs?: number
  /**
   * Asked before every connect, the first and each reconnect. False means this process may no longer run
   * the shard (another one owns it now): the shard stops without touching the session, and emits `revoked`.
   */
  admit?: () => Promise<boolean>
}

export interface ShardStopOptions {
  /**
   * Another process will RESUME this session (a planned handoff): close with a code that keeps the session
   * alive on the platform (4000) instead of the normal 1000.
   */
  handoff?: boolean
  /**
   * Wait (up to 30 s) until the events this shard already handed over are finished, then store the session
   * once more, so it covers them. Default true; false when the shard was lost (its writes are refused anyway).
   */
  drain?: boolean
}

interface ShardEvents {
  ready: [session: ShardSession, user: unknown]
  resumed: [session: ShardSession]
  status: [status: ShardStatus]
  error: [error: Error]
  /** `admit()` said no: another process owns the shard now. */
  revoked: []
}

/** Our own close code when we drop a connection to reconnect (op 7, op 9, zombie, handshake timeout) or hand it off. */
const CLIENT_RECONNECT_CLOSE = 4000
const MAX_AUTH_FAILURES = 5
const PERSIST_INTERVAL_MS = 200
/** Dispatches held while handlers are behind, in bytes of frames, before the socket is no longer read. */
const READ_AHEAD_BYTES = 512 * 1024
const STOP_DRAIN_TIMEOUT_MS = 30_000

/**
 * One gateway connection for one shard, kept alive for as long as the bot runs. It heartbeats on the
 * interval from Hello (with the last seq in `d`) and treats a missing ACK as a dead connection; it
 * RESUMEs after op 7, 4008, 4009, network errors and abnormal closes so the platform replays what was
 * missed; it identifies anew only when the session is gone (4006, 4007, 4900–4913, op 9, or after
 * three failed resumes); fatal codes stop the shard with a {@link GatewayFatalError} event, never an exit.
 */
export class ShardConnection extends EventEmitter<ShardEvents> {
  private ws: WebSocket | undefined
  private currentStatus: ShardStatus = 'idle'
  private session: ShardSession | undefined
  private seq = 0
  /** Events up to this seq reached the process that stored the session we resume: a replay, attempt 2. */
  private replayedUpTo = 0
  private readonly watermark = new SeqWatermark()
  private heartbeatTimer: NodeJS.Timeout | undefined
  private handshakeTimer: NodeJS.Timeout | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private persistTimer: NodeJS.Timeout | undefined
  private awaitingAck = false
  private lastBeatAt = 0
  private latency: number | undefined
  private attempt = 0
  private resumeFailures = 0
  private authFailures = 0
  private reconnectCount = 0
  /** The sink is full: dispatches are held (see HeldFrames) until it drains. */
  private paused = false
  private readonly held = new HeldFrames(READ_AHEAD_BYTES)
  /** The socket is not read (the held frames reached their budget). */
  private socketPaused = false
  /** The socket was not read at some point since the last heartbeat: its ACK may still be unread. */
  private pausedSinceBeat = false
  /** Frames read since the last heartbeat: a connection that delivers frames is alive, its ACK only behind them. */
  private framesSinceBeat = 0
  private unsubscribeDrain: (() => void) | undefined
  /** Set when we close the socket ourselves, so the close handler knows what we meant. */
  private plannedAction: CloseAction | undefined
  private tokenInUse: string | undefined
  private identifySlotHeld = false
  private stopping = false
  private readonly abort = new AbortController()
  private startWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined

  constructor(private readonly options: ShardConnectionOptions) {
    super()
  }

  get status(): ShardStatus {
    return this.currentStatus
  }

  get info(): ShardInfo {
    return {
      shardId: this.options.shardId,
      shardCount: this.options.shardCount,
      status: this.currentStatus,
      sessionId: this.session?.sessionId,
      seq: this.seq,
      latencyMs: this.latency,
      reconnects: this.reconnectCount,
      paused: this.paused,
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

  private stopRun: Promise<void> | undefined

  private async runStop(options: ShardStopOptions): Promise<void> {
    this.stopping = true
    this.abort.abort(new Error('stopped'))
    clearTimeout(this.reconnectTimer)
    this.clearConnectionTimers()
    this.unsubscribeDrain?.()
    await this.persist()
    const ws = this.ws
    this.ws = undefined
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          ws.terminate()
          resolve()
        }, 2_000)
        ws.once('close', () => {
          clearTimeout(force)
          resolve()
        })
        if (options.handoff) ws.close(CLIENT_RECONNECT_CLOSE, 'handoff')
        else ws.close(1000, 'shutdown')
      })
    }
    this.setStatus('stopped')
    this.settleStart(new Error(`Shard ${this.options.shardId} was stopped before it became ready.`))
    if (options.drain !== false && this.watermark.outstanding > 0) await this.drained()
  }

  /** Resolves once every event handed over is finished (and the session saved), or after the drain timeout. */
  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.options.logger.warn(
          { shard: this.options.shardId, outstanding: this.watermark.outstanding },
          'stopped waiting for handlers to finish; the stored seq stays before their events',
        )
        resolve()
      }, STOP_DRAIN_TIMEOUT_MS)
      this.onDrained = async () => {
        clearTimeout(timer)
        await this.persist()
        resolve()
      }
    })
  }

  private onDrained: (() => Promise<void>) | undefined

  private async connect(refreshUrl: boolean): Promise<void> {
    if (this.stopping) return
    this.setStatus('connecting')
    let url: string
    try {
      url = await this.options.gatewayUrl(refreshUrl)
    } catch (error) {
      if (isRejectedCredential(error))
        return this.fail(new GatewayFatalError(this.options.shardId, undefined, (error as Error).message))
      this.options.logger.warn({ err: error, shard: this.options.shardId }, 'could not get the gateway URL')
      return this.scheduleReconnect('resume', true)
    }
    if (this.stopping || !(await this.admitted())) return
    // Take the identify slot before opening the socket: waiting for it (5 s per shard ahead of us)
    // inside an open connection would run into the handshake timeout.
    if (!this.session) {
      this.session = await this.loadStoredSession()
      this.replayedUpTo = this.session ? (this.session.received ?? this.session.seq) : 0
    }
    // Loading may have taken seconds (retries): a stop meanwhile must not be followed by a new socket.
    if (this.stopping) return
    if (!this.session && !(await this.acquireIdentifySlot())) return
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 30_000,
    })
    this.ws = ws
    this.plannedAction = undefined
    this.handshakeTimer = setTimeout(() => {
      this.options.logger.warn({ shard: this.options.shardId }, 'gateway handshake timed out')
      this.dropConnection('resume')
    }, this.options.handshakeTimeoutMs ?? 30_000)
    ws.on('message', (data) => {
      if (ws === this.ws) this.onFrame(data as Buffer)
    })
    ws.on('close', (code, reason) => {
      if (ws === this.ws) this.onClose(code, reason.toString())
    })
    ws.on('error', (error) => {
      this.options.logger.debug({ err: error, shard: this.options.shardId }, 'gateway socket error')
    })
  }

  private onFrame(data: Buffer): void {
    this.framesSinceBeat++
    let payload: GatewayPayload
    try {
      payload = parseJsonLossless(data.toString('utf8')) as GatewayPayload
      if (typeof payload !== 'object' || payload === null || typeof payload.op !== 'number')
        throw new Error('not a gateway payload')
    } catch (error) {
      this.options.metrics.inc('frames_malformed')
      this.options.logger.warn(
        { shard: this.options.shardId, frame: data.toString('utf8').slice(0, 200), error: (error as Error).message },
        'ignored a malformed gateway frame',
      )
      return
    }
    // Heartbeat traffic goes first, ahead of dispatches waiting for the handlers: a busy shard is not a zombie.
    if (
      payload.op !== GatewayOp.HEARTBEAT_ACK &&
      payload.op !== GatewayOp.HEARTBEAT &&
      (this.paused || this.held.size > 0)
    ) {
      this.held.push(payload, data.length)
      if (this.held.full) this.pauseSocket()
      return
    }
    this.handle(payload)
  }

  private handle(payload: GatewayPayload): void {
    switch (payload.op) {
      case GatewayOp.DISPATCH:
        return this.onDispatch(payload)
      case GatewayOp.HELLO:
        return void this.onHello(payload)
      case GatewayOp.HEARTBEAT_ACK:
        this.awaitingAck = false
        this.latency = Date.now() - this.lastBeatAt
        return
      case GatewayOp.HEARTBEAT:
        return this.sendHeartbeat()
      case GatewayOp.RECONNECT:
        this.options.logger.info({ shard: this.options.shardId }, 'gateway asked us to reconnect (op 7); resuming')
        return this.dropConnection('resume', true)
      case GatewayOp.INVALID_SESSION: {
        const canResume = payload.d === true
        this.options.logger.warn({ shard: this.options.shardId, canResume }, 'gateway invalidated the session (op 9)')
        return this.dropConnection(canResume ? 'resume' : 'identify', true)
      }
      default:
        this.options.logger.debug({ shard: this.options.shardId, op: payload.op }, 'ignored an unknown gateway opcode')
    }
  }

  private async onHello(payload: GatewayPayload): Promise<void> {
    const interval = (payload.d as { heartbeat_interval?: unknown } | undefined)?.heartbeat_interval
    this.startHeartbeat(typeof interval === 'number' && interval > 0 ? interval : 45_000)
    if (this.session) {
      this.seq = Math.max(this.seq, this.session.seq)
      await this.sendResume(this.session)
    } else {
      await this.sendIdentify()
    }
  }

  private onDispatch(payload: GatewayPayload): void {
    if (typeof payload.s === 'number' && payload.s > this.seq) this.seq = payload.s
    if (payload.t === 'READY') return this.onReady(payload)
    if (payload.t === 'RESUMED') return this.onResumed()
    if (typeof payload.t !== 'string') {
      this.options.metrics.inc('frames_malformed')
      return
    }
    const accepted = this.options.sink.push({
      name: payload.t,
      id: payload.id,
      data: payload.d,
      seq: payload.s,
      source: 'gateway',
      shard: [this.options.shardId, this.options.shardCount],
      receivedAt: Date.now(),
      attempt: typeof payload.s === 'number' && payload.s <= this.replayedUpTo ? 2 : 1,
      done: typeof payload.s === 'number' ? this.finishedCallback(payload.s) : undefined,
    })
    this.persistSoon()
    if (!accepted) this.fallBehind()
  }

  private onReady(payload: GatewayPayload): void {
    const d = (payload.d ?? {}) as { session_id?: unknown; user?: unknown }
    if (typeof d.session_id !== 'string') {
      this.options.metrics.inc('frames_malformed')
      this.options.logger.error({ shard: this.options.shardId }, 'READY without a session_id; reconnecting')
      return this.dropConnection('identify')
    }
    this.seq = typeof payload.s === 'number' ? payload.s : 0
    this.replayedUpTo = 0
    this.watermark.reset()
    this.session = { sessionId: d.session_id, seq: this.seq, shard: [this.options.shardId, this.options.shardCount] }
    void this.persist()
    this.becameReady()
    this.options.logger.info({ shard: this.options.shardId, sessionId: d.session_id }, 'gateway ready')
    this.emit('ready', { ...this.session }, d.user)
  }

  private onResumed(): void {
    this.options.metrics.inc('gateway_resumes')
    this.becameReady()
    this.options.logger.info({ shard: this.options.shardId, seq: this.seq }, 'gateway session resumed')
    this.emit('resumed', { ...this.session! })
  }

  private becameReady(): void {
    clearTimeout(this.handshakeTimer)
    this.attempt = 0
    this.resumeFailures = 0
    this.authFailures = 0
    this.setStatus('ready')
    this.settleStart()
  }

  private async sendIdentify(): Promise<void> {
    const ws = this.ws
    this.setStatus('identifying')
    try {
      if (!this.identifySlotHeld) {
        // The session vanished after we connected (rare): get a slot now, without the handshake clock running.
        clearTimeout(this.handshakeTimer)
        if (!(await this.acquireIdentifySlot())) return
      }
      this.identifySlotHeld = false
      const token = await this.options.tokens.getToken()
      if (ws !== this.ws) return
      this.tokenInUse = token
      this.options.metrics.inc('gateway_identifies')
      this.send({
        op: GatewayOp.IDENTIFY,
        d: {
          token: `QQBot ${token}`,
          intents: this.options.intents,
          shard: [this.options.shardId, this.options.shardCount],
          properties: { $os: process.platform, $browser: 'qqbot', $device: 'qqbot' },
        },
      })
    } catch (error) {
      this.onHandshakeError(error)
    }
  }

  private async acquireIdentifySlot(): Promise<boolean> {
    try {
      await this.options.limiter.acquire(this.options.shardId, this.abort.signal)
      this.identifySlotHeld = true
      return !this.stopping
    } catch (error) {
      if (!this.stopping)
        this.options.logger.error({ err: error, shard: this.options.shardId }, 'identify limiter failed')
      if (!this.stopping) this.scheduleReconnect('resume', true)
      return false
    }
  }

  /**
   * The stored session, retried a few times on failure: identifying instead of resuming skips every event
   * after the stored seq, so a store that blips (Redis failing over) must not cause it. A store that keeps
   * failing gets an identify after about 8 s, with an error log saying events may have been missed.
   */
  private async loadStoredSession(): Promise<ShardSession | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.options.sessions.load(this.options.sessionKey)
      } catch (error) {
        if (this.stopping) return undefined
        if (attempt >= SESSION_LOAD_ATTEMPTS - 1) {
          this.options.logger.error(
            { err: error, shard: this.options.shardId },
            'could not load the stored session; identifying anew (events after the stored seq are not replayed)',
          )
          return undefined
        }
        this.options.logger.warn(
          { err: error, shard: this.options.shardId, attempt: attempt + 1 },
          'could not load the stored session; retrying',
        )
        await sleep(250 * 2 ** attempt, this.abort.signal).catch(() => undefined)
      }
    }
  }

  private async sendResume(session: ShardSession): Promise<void> {
    const ws = this.ws
    this.setStatus('resuming')
    try {
      const token = await this.options.tokens.getToken()
      if (ws !== this.ws) return
      this.tokenInUse = token
      this.send({ op: GatewayOp.RESUME, d: { token: `QQBot ${token}`, session_id: session.sessionId, seq: this.seq } })
    } catch (error) {
      this.onHandshakeError(error)
    }
  }

  private onHandshakeError(error: unknown): void {
    if (this.stopping) return
    if (isRejectedCredential(error))
      return this.fail(new GatewayFatalError(this.options.shardId, undefined, (error as Error).message))
    this.options.logger.warn(
      { err: error, shard: this.options.shardId },
      'could not send identify/resume; reconnecting',
    )
    this.dropConnection(this.session ? 'resume' : 'identify')
  }

  private startHeartbeat(intervalMs: number): void {
    clearInterval(this.heartbeatTimer)
    this.awaitingAck = false
    this.heartbeatTimer = setInterval(() => {
      // A zombie sends nothing at all. A connection still delivering frames is alive, its ACK only behind
      // them; one not read (or not for a while) since the beat may have its ACK sitting unread.
      if (this.awaitingAck && this.framesSinceBeat === 0 && !this.socketPaused && !this.pausedSinceBeat) {
        this.options.metrics.inc('gateway_zombies')
        this.options.logger.warn({ shard: this.options.shardId }, 'no heartbeat ACK since the last beat; reconnecting')
        return this.dropConnection('resume')
      }
      this.sendHeartbeat()
    }, intervalMs)
  }

  private sendHeartbeat(): void {
    this.awaitingAck = true
    this.pausedSinceBeat = this.socketPaused
    this.framesSinceBeat = 0
    this.lastBeatAt = Date.now()
    this.send({ op: GatewayOp.HEARTBEAT, d: this.seq > 0 ? this.seq : null })
  }

  private send(payload: GatewayPayload): void {
    const ws = this.ws
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(payload))
  }

  /** Ends the current socket at once; the close handler reconnects as `action` says. */
  private dropConnection(action: CloseAction, graceful = false): void {
    const ws = this.ws
    if (!ws) return
    this.plannedAction = action
    if (graceful && ws.readyState === WebSocket.OPEN) {
      ws.close(CLIENT_RECONNECT_CLOSE, 'reconnecting')
      // A server that never answers the close frame must not hold us up.
      setTimeout(() => ws.readyState !== WebSocket.CLOSED && ws.terminate(), 1_000).unref()
    } else {
      ws.terminate()
    }
  }

  private onClose(code: number, reason: string): void {
    const wasResuming = this.currentStatus === 'resuming'
    const action = this.plannedAction ?? closeAction(code)
    const planned = this.plannedAction !== undefined || code === 4009
    this.ws = undefined
    this.clearConnectionTimers()
    // Frames held from this socket were never handed over: the seq stays before them, a RESUME replays them.
    this.catchUp(true)
    void this.persist()
    if (this.stopping) return
    this.options.logger.info({ shard: this.options.shardId, code, reason, action }, 'gateway connection closed')
    if (wasResuming && action === 'resume') this.resumeFailures++
    if (action === 'fatal') return this.fail(new GatewayFatalError(this.options.shardId, code, reason || undefined))
    if (action === 'refresh-token') {
      if (this.tokenInUse) this.options.tokens.invalidate(this.tokenInUse)
      if (++this.authFailures >= MAX_AUTH_FAILURES) {
        return this.fail(
          new GatewayFatalError(
            this.options.shardId,
            code,
            `the gateway rejected ${MAX_AUTH_FAILURES} fresh access tokens in a row; check the AppID and AppSecret`,
          ),
        )
      }
    }
    if (action === 'identify' || this.resumeFailures >= (this.options.maxResumeFailures ?? 3)) {
      if (this.resumeFailures > 0 && action !== 'identify')
        this.options.logger.warn({ shard: this.options.shardId }, 'resume failed repeatedly; identifying anew')
      this.clearSession()
    }
    this.scheduleReconnect(code === 4008 ? 'rate-limited' : 'resume', !planned)
  }

  private scheduleReconnect(kind: 'resume' | 'rate-limited', backoff: boolean): void {
    if (this.stopping) return
    this.setStatus('reconnecting')
    this.reconnectCount++
    this.options.metrics.inc('gateway_reconnects', { shard: this.options.shardId })
    let delay =
      backoff || this.attempt > 0
        ? backoffDelay(this.attempt, this.options.backoff ?? { baseMs: 1_000, maxMs: 60_000 })
        : Math.random() * 100
    if (kind === 'rate-limited') delay = Math.max(delay, this.options.rateLimitDelayMs ?? 10_000)
    this.attempt++
    this.reconnectTimer = setTimeout(() => void this.connect(backoff), delay)
  }

  private clearSession(): void {
    this.session = undefined
    this.seq = 0
    this.watermark.reset()
    this.resumeFailures = 0
    void Promise.resolve(this.options.sessions.clear(this.options.sessionKey)).catch((error) =>
      this.options.logger.error({ err: error, shard: this.options.shardId }, 'could not clear the stored session'),
    )
  }

  private fail(error: GatewayFatalError): void {
    this.stopping = true
    this.clearConnectionTimers()
    this.ws?.terminate()
    this.ws = undefined
    this.setStatus('failed')
    this.options.logger.error({ err: error, shard: this.options.shardId }, 'gateway shard stopped')
    if (this.startWaiter) this.settleStart(error)
    else this.emit('error', error)
  }

  /** The sink is full: hold further dispatches (reading on, up to the budget) until it drains. */
  private fallBehind(): void {
    if (this.paused || !this.ws) return
    this.paused = true
    this.unsubscribeDrain = this.options.sink.onDrain(() => this.catchUp())
  }

  /** The sink drained: hand it the held frames in order until it is full again; read the socket again below the budget. */
  private catchUp(connectionGone = false): void {
    this.paused = false
    this.unsubscribeDrain?.()
    this.unsubscribeDrain = undefined
    if (connectionGone || this.stopping) this.held.clear()
    while (!this.paused && this.ws && !this.stopping) {
      const payload = this.held.shift()
      if (!payload) break
      this.handle(payload)
    }
    if (!this.held.full) this.resumeSocket()
  }

  private pauseSocket(): void {
    if (this.socketPaused || !this.ws) return
    this.socketPaused = true
    this.pausedSinceBeat = true
    this.ws.pause()
  }

  private resumeSocket(): void {
    if (!this.socketPaused) return
    this.socketPaused = false
    this.ws?.resume()
  }

  /** The envelope's `done`: moves the stored seq on; the last one after stop() saves at once. */
  private finishedCallback(seq: number): () => void {
    const finished = this.watermark.track(seq)
    return () => {
      finished()
      if (!this.stopping || this.watermark.outstanding > 0) return this.persistSoon()
      if (this.onDrained) void this.onDrained()
      else void this.persist()
    }
  }

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
      this.scheduleReconnect('resume', true)
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

  private persistSoon(): void {
    this.persistTimer ??= setTimeout(() => {
      this.persistTimer = undefined
      void this.persist()
    }, PERSIST_INTERVAL_MS)
  }

  private async persist(): Promise<void> {
    clearTimeout(this.persistTimer)
    this.persistTimer = undefined
    if (!this.session) return
    this.session.seq = this.watermark.committed(this.seq)
    this.session.received = this.seq
    try {
      await this.options.sessions.save(this.options.sessionKey, this.session)
    } catch (error) {
      this.options.logger.error({ err: error, shard: this.options.shardId }, 'could not save the shard session')
    }
  }

  private clearConnectionTimers(): void {
    clearInterval(this.heartbeatTimer)
    clearTimeout(this.handshakeTimer)
    this.heartbeatTimer = undefined
    this.handshakeTimer = undefined
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

/** The token endpoint refused the AppID/AppSecret: retrying cannot help, the user must fix the configuration. */
function isRejectedCredential(error: unknown): boolean {
  return error instanceof TokenError && !error.transient
}
