import type { Logger } from 'pino'
import { parseJsonLossless } from '../events/lossless-json.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventSink } from '../pipeline/event-envelope.js'
import type { Backpressure } from './backpressure.js'
import type { GatewaySocket } from './gateway-socket.js'
import type { Handshake, Transmit } from './handshake.js'
import { heartbeatInterval, type Heartbeat } from './heartbeat.js'
import { GatewayOp, type GatewayPayload } from './opcodes.js'
import type { SessionPersister } from './session-persister.js'

export interface ShardProtocolOptions {
  shardId: number
  shardCount: number
  sink: EventSink
  logger: Logger
  metrics: Metrics
}

/** The parts of the shard the frames drive. */
export interface ShardProtocolParts {
  heartbeat: Heartbeat
  handshake: Handshake
  persister: SessionPersister
  backpressure: Backpressure
}

/** What the frames ask of the shard's lifecycle. */
export interface ShardProtocolHooks {
  /** The connection being read (frames of a replaced one never arrive here). */
  socket(): GatewaySocket | undefined
  status(status: 'identifying' | 'resuming'): void
  /** Waits for the identify slot; false when the shard stopped meanwhile or the limiter failed (a reconnect follows). */
  identifySlot(): Promise<boolean>
  /** IDENTIFY or RESUME could not be sent (no token). */
  handshakeFailed(error: unknown): void
  ready(user: unknown): void
  resumed(): void
}

/**
 * Answers the frames of the current connection (docs/protocol.md, gateway): heartbeat traffic, Hello with
 * RESUME or IDENTIFY, op 7 and op 9 with a planned drop, READY and RESUMED into the session, and every other
 * dispatch into the sink as an event whose `done` moves the stored seq on.
 */
export class ShardProtocol {
  constructor(
    private readonly options: ShardProtocolOptions,
    private readonly parts: ShardProtocolParts,
    private readonly hooks: ShardProtocolHooks,
  ) {}

  /** A frame read from the socket: handled now, or held behind dispatches the sink has no room for yet. */
  read(data: Buffer): void {
    this.parts.heartbeat.frameRead()
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
    if (!this.parts.backpressure.hold(payload, data.length)) this.handle(payload)
  }

  handle(payload: GatewayPayload): void {
    const { logger, shardId } = this.options
    switch (payload.op) {
      case GatewayOp.DISPATCH:
        return this.onDispatch(payload)
      case GatewayOp.HELLO:
        return void this.onHello(payload)
      case GatewayOp.HEARTBEAT_ACK:
        return this.parts.heartbeat.acked()
      case GatewayOp.HEARTBEAT:
        return this.parts.heartbeat.beat()
      case GatewayOp.RECONNECT:
        logger.info({ shard: shardId }, 'gateway asked us to reconnect (op 7); resuming')
        return this.hooks.socket()?.drop('resume', true)
      case GatewayOp.INVALID_SESSION: {
        const canResume = payload.d === true
        logger.warn({ shard: shardId, canResume }, 'gateway invalidated the session (op 9)')
        return this.hooks.socket()?.drop(canResume ? 'resume' : 'identify', true)
      }
      default:
        logger.debug({ shard: shardId, op: payload.op }, 'ignored an unknown gateway opcode')
    }
  }

  private async onHello(payload: GatewayPayload): Promise<void> {
    const { heartbeat, handshake, persister } = this.parts
    heartbeat.start(heartbeatInterval(payload))
    const session = persister.session
    if (session) persister.resumeFrom(session)
    this.hooks.status(session ? 'resuming' : 'identifying')
    const socket = this.hooks.socket()
    const transmit: Transmit = (reply) => {
      if (socket !== this.hooks.socket()) return false
      socket?.send(reply)
      return true
    }
    try {
      if (session) await handshake.resume(session.sessionId, () => persister.seq, transmit)
      else if (handshake.holdsSlot || (await this.takeLateIdentifySlot())) await handshake.identify(transmit)
    } catch (error) {
      this.hooks.handshakeFailed(error)
    }
  }

  /** The session vanished after we connected (rare): get a slot now, without the handshake clock running. */
  private takeLateIdentifySlot(): Promise<boolean> {
    this.parts.handshake.stopDeadline()
    return this.hooks.identifySlot()
  }

  private onDispatch(payload: GatewayPayload): void {
    const { persister } = this.parts
    persister.receive(payload.s)
    if (payload.t === 'READY') return this.onReady(payload)
    if (payload.t === 'RESUMED') return this.hooks.resumed()
    if (typeof payload.t !== 'string') return this.options.metrics.inc('frames_malformed')
    const accepted = this.options.sink.push({
      name: payload.t,
      id: payload.id,
      data: payload.d,
      seq: payload.s,
      source: 'gateway',
      shard: [this.options.shardId, this.options.shardCount],
      receivedAt: Date.now(),
      attempt: persister.attemptOf(payload.s),
      done: typeof payload.s === 'number' ? persister.track(payload.s) : undefined,
    })
    persister.saveSoon()
    if (!accepted) this.parts.backpressure.fallBehind()
  }

  private onReady(payload: GatewayPayload): void {
    const d = (payload.d ?? {}) as { session_id?: unknown; user?: unknown }
    if (typeof d.session_id !== 'string') {
      this.options.metrics.inc('frames_malformed')
      this.options.logger.error({ shard: this.options.shardId }, 'READY without a session_id; reconnecting')
      return this.hooks.socket()?.drop('identify')
    }
    this.parts.persister.begin(d.session_id, payload.s)
    this.hooks.ready(d.user)
  }
}
