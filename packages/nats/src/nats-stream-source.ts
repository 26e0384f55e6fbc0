import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import {
  ConfigError,
  eventDedupeKey,
  HeldEvents,
  PullGate,
  sleep,
  type EventSink,
  type EventSource,
  type Logger,
  type Metrics,
  type SourceRuntime,
} from '@qqbot/core'
import { decodeEvent } from './event-codec.js'
import { jetStreamNames, type JetStreamNameOptions, type JetStreamNames } from './names.js'
import { ensureConsumer, ensureStream, isApiError, type RetentionOptions } from './stream-setup.js'

export interface NatsStreamSourceOptions extends RetentionOptions, Partial<JetStreamNameOptions> {
  /** A connection from `connect()` of `@nats-io/transport-node`; close it after the bot stopped. */
  nats: NatsConnection
  /** The same namespace as the ingress (default there: the AppID). */
  namespace: string
  /** This worker's name in claims and logs. Default `<hostname>:<pid>:<random>`. */
  workerName?: string
  /** Messages asked for per pull. Default 64. */
  batchSize?: number
  /** How long one pull waits for messages, at least 1 s (JetStream's minimum). Default 1 s (also how long stop() may wait for it). */
  blockMs?: number
  /**
   * A message whose worker stopped answering for this long goes to another worker (the consumer's
   * `ack_wait`, set when this creates the consumer). A live worker renews what it holds every third of this,
   * however long its handlers take. Default 30 s.
   */
  claimIdleMs?: number
  /** How long a handled event's key is remembered, so a later copy is skipped. Default 24 h. */
  dedupeTtlMs?: number
  /** How long stop() keeps renewing the messages still being handled before it lets them go. Default 30 s. */
  stopDrainMs?: number
}

const DONE = 'done'

/** A message this worker handed to the pipeline and has not acknowledged yet. */
interface Held {
  msg: JsMsg
  claim: Claim | undefined
}

interface Claim {
  key: string
  revision: number
}

type ClaimResult = { claim: Claim } | 'skip'

/**
 * The worker side of an ingress/worker split over NATS JetStream: pulls events from the stream's durable
 * consumer (shared by every worker) and feeds them to the bot's pipeline, so the same controllers run as
 * in a single process.
 *
 * Delivery: a message is acknowledged only after its handler finished. A worker renews the messages it holds
 * (`working()`), so JetStream gives a message to another worker only when its worker stopped answering for
 * `claimIdleMs`. Each event has a key (its message or event id) in a key-value bucket: a worker claims it
 * before handling and marks it done before the acknowledgement, so a second copy (published again after
 * the stream's duplicate window, or redelivered) is acknowledged and skipped.
 */
export class NatsStreamSource implements EventSource {
  readonly kind = 'jetstream'
  readonly worker: string
  readonly names: JetStreamNames
  private readonly claimIdleMs: number
  private kv: KV | undefined
  private consumer: Consumer | undefined
  private batch: ConsumerMessages | undefined
  private sink: EventSink | undefined
  private running = false
  private gate: PullGate | undefined
  private readonly holding = new HeldEvents<number, Held>()
  /** Claims of other workers seen by this one: revision and since when (our clock) it has not changed. */
  private readonly watched = new Map<string, { revision: number; since: number }>()
  private lag = 0
  private groupPending = 0
  /** Aborted when stop() begins: pulling ends. */
  private readonly readingStopped = new AbortController()
  /** Aborted when the held messages are finished (or stopDrainMs passed): renewing ends. */
  private readonly stopped = new AbortController()
  private logger: Logger | undefined
  private metrics: Metrics | undefined

  constructor(private readonly options: NatsStreamSourceOptions) {
    this.worker = options.workerName ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.names = jetStreamNames(options)
    this.claimIdleMs = options.claimIdleMs ?? 30_000
    if (options.blockMs !== undefined && options.blockMs < 1_000) {
      throw new ConfigError(
        `blockMs must be at least 1000 (JetStream pull requests expire no sooner); got ${options.blockMs}.`,
      )
    }
  }

  bind(runtime: SourceRuntime): void {
    this.logger = runtime.logger.child({ component: 'jetstream', worker: this.worker })
    this.metrics = runtime.metrics
    runtime.metrics.gauge('broker_pending', () => this.holding.size)
    runtime.metrics.gauge('broker_lag', () => this.lag)
    runtime.metrics.gauge('broker_group_pending', () => this.groupPending)
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink
    this.gate = new PullGate(sink)
    await this.setUp()
    this.kv = await new Kvm(this.options.nats).create(this.names.bucket, {
      ttl: this.options.dedupeTtlMs ?? 24 * 60 * 60 * 1000,
      history: 1,
    })
    this.running = true
    this.readLoopDone = this.readLoop()
    this.renewLoopDone = this.renewLoop()
    void this.options.nats.closed().then((error) => {
      if (this.running)
        this.logger?.error(
          { err: error },
          'the NATS connection closed for good; this worker pulls no more events (connect with maxReconnectAttempts: -1 to keep reconnecting)',
        )
    })
    this.logger?.info({ stream: this.names.stream, consumer: this.names.consumer }, 'pulling events from JetStream')
  }

  /**
   * Stops pulling. Messages already handed to the pipeline stay this worker's (renewed) while they finish,
   * up to `stopDrainMs`, and stop() returns once their acknowledgements are done.
   */
  async stop(): Promise<void> {
    this.running = false
    this.readingStopped.abort()
    this.gate?.release()
    await this.batch?.close().catch(() => undefined)
    await this.readLoopDone
    await this.holding.settle(this.options.stopDrainMs ?? 30_000)
    this.stopped.abort()
    await this.renewLoopDone
  }

  private readLoopDone: Promise<void> | undefined
  private renewLoopDone: Promise<void> | undefined

  private async setUp(): Promise<void> {
    await ensureStream(this.options.nats, this.names, this.options)
    await ensureConsumer(this.options.nats, this.names, this.claimIdleMs)
    this.consumer = await jetstream(this.options.nats).consumers.get(this.names.stream, this.names.consumer)
  }

  private async readLoop(): Promise<void> {
    while (this.running) {
      await this.gate!.ready()
      if (!this.running) break
      try {
        this.batch = await this.consumer!.fetch({
          max_messages: this.options.batchSize ?? 64,
          expires: this.options.blockMs ?? 1_000,
        })
        // Claims go out at once; events still reach the pipeline in stream order.
        let previous: Promise<unknown> = Promise.resolve()
        for await (const msg of this.batch) previous = this.deliver(msg, previous)
        await previous
      } catch (error) {
        if (!this.running) break
        this.logger?.error({ err: error }, 'pulling from JetStream failed; retrying in 1 s')
        await this.pauseFor(1_000, this.readingStopped.signal)
        // A pull fails the same way whether NATS blipped or the stream or consumer was deleted: make sure they exist.
        if (this.running)
          await this.setUp().catch((setUpError: unknown) =>
            this.logger?.debug({ err: setUpError }, 'could not check the stream and consumer'),
          )
      }
    }
  }

  /** Never rejects: a message it cannot take is given back to JetStream (nak), the batch goes on. */
  private async deliver(msg: JsMsg, previous: Promise<unknown>): Promise<void> {
    try {
      // Ours and not finished (redelivered although we renewed it): handing it over twice would acknowledge it early.
      if (this.holding.has(msg.seq)) return
      const decoded = decodeEvent(msg.string())
      if ('error' in decoded) {
        this.logger?.warn(
          { seq: msg.seq, reason: decoded.error },
          'acknowledged and skipped a message that is not an event',
        )
        msg.ack()
        return
      }
      const { envelope } = decoded
      if (msg.info.deliveryCount > 1) this.metrics?.inc('broker_reclaimed')
      const key = eventDedupeKey(envelope.name, envelope.id, envelope.data)
      const claimed = key === undefined ? undefined : this.claim(msg, key)
      const [, result] = await Promise.all([previous, claimed])
      if (result === 'skip' || this.holding.has(msg.seq)) return
      const held: Held = { msg, claim: result?.claim }
      this.holding.hold(msg.seq, held)
      const accepted = this.sink!.push({
        ...envelope,
        attempt: msg.info.deliveryCount,
        done: () => this.holding.release(msg.seq, () => this.acknowledge(held)),
      })
      if (!accepted) this.gate!.hold()
    } catch (error) {
      this.logger?.error(
        { err: error, seq: msg.seq },
        'could not take a message (its claim failed); JetStream redelivers it',
      )
      msg.nak(1_000)
    }
  }

  /** Claims the event's key for this worker; 'skip' when it is done already or another live worker has it. */
  private async claim(msg: JsMsg, dedupeKey: string): Promise<ClaimResult> {
    const kv = this.kv!
    const key = Buffer.from(dedupeKey).toString('base64url')
    try {
      return { claim: { key, revision: await kv.create(key, this.worker) } }
    } catch (error) {
      if (!KEY_EXISTS.some((code) => isApiError(error, code))) throw error
    }
    const entry = await kv.get(key)
    const holder = entry?.operation === 'PUT' ? entry.string() : undefined
    if (holder === DONE) {
      this.metrics?.inc('broker_duplicates')
      msg.ack()
      return 'skip'
    }
    if (entry && holder === this.worker) return { claim: { key, revision: entry.revision } }
    if (entry) {
      // Another worker's claim. Its holder renews it every third of claimIdleMs; only a revision that stayed
      // the same for claimIdleMs, by this worker's own clock, means the holder is gone.
      const seen = this.watched.get(key)
      if (!seen || seen.revision !== entry.revision) {
        this.watched.set(key, { revision: entry.revision, since: Date.now() })
        msg.nak(this.claimIdleMs)
        return 'skip'
      }
      const unchangedFor = Date.now() - seen.since
      if (unchangedFor < this.claimIdleMs) {
        msg.nak(this.claimIdleMs - unchangedFor)
        return 'skip'
      }
      this.watched.delete(key)
    }
    try {
      // The holder stopped renewing its claim: take it over (only if nobody else did meanwhile).
      return {
        claim: {
          key,
          revision: entry ? await kv.update(key, this.worker, entry.revision) : await kv.create(key, this.worker),
        },
      }
    } catch {
      msg.nak(this.claimIdleMs)
      return 'skip'
    }
  }

  /** Marks the event done and acknowledges its message; never rejects. */
  private async acknowledge(held: Held): Promise<void> {
    try {
      if (held.claim) await this.kv!.put(held.claim.key, DONE)
      await held.msg.ackAck()
      this.metrics?.inc('broker_acked')
    } catch (error) {
      // Not acknowledged: JetStream redelivers it, and its done mark (if written) skips it then.
      this.logger?.error({ err: error, seq: held.msg.seq }, 'could not acknowledge a handled message')
    }
  }

  /** Keeps what this worker holds its own: `working()` resets the ack timer, the claim's write time is refreshed. */
  private async renewLoop(): Promise<void> {
    const every = Math.max(100, Math.floor(this.claimIdleMs / 3))
    // Runs on after reading stopped, while stop() lets the held messages finish.
    while (!this.stopped.signal.aborted) {
      await this.pauseFor(every)
      if (this.stopped.signal.aborted) break
      for (const [, held] of this.holding.entries()) {
        held.msg.working()
        if (held.claim) {
          const claim = held.claim
          this.kv!.update(claim.key, this.worker, claim.revision).then(
            (revision) => (claim.revision = revision),
            (error: unknown) =>
              this.logger?.warn(
                { err: error, seq: held.msg.seq },
                'could not renew the claim of an event being handled',
              ),
          )
        }
      }
      this.forgetOldClaims()
      if (this.running) await this.readConsumerState()
    }
  }

  private forgetOldClaims(): void {
    const before = Date.now() - 3 * this.claimIdleMs
    for (const [key, seen] of this.watched) if (seen.since < before) this.watched.delete(key)
  }

  private async readConsumerState(): Promise<void> {
    try {
      const info = await (
        await jetstreamManager(this.options.nats)
      ).consumers.info(this.names.stream, this.names.consumer)
      this.lag = info.num_pending
      this.groupPending = info.num_ack_pending
    } catch (error) {
      if (this.running) this.logger?.debug({ err: error }, 'could not read the consumer state')
    }
  }

  /** Sleeps, but wakes at once when the source stops. */
  private pauseFor(ms: number, signal = this.stopped.signal): Promise<void> {
    return sleep(ms, signal).catch(() => undefined)
  }
}

/** JetStream's answers to a create of a key that exists (wrong last sequence): 2.9/2.10, and newer or clustered servers. */
const KEY_EXISTS = [10071, 10164]
