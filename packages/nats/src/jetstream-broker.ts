import { jetstream, jetstreamManager, type Consumer, type ConsumerMessages } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { ConfigError } from '@qqbot/core'
import {
  type BrokerDelivery,
  type BrokerRuntime,
  type BrokerState,
  type BrokerWorkerSettings,
  type ClaimResult,
  type HeldDelivery,
  type WorkerBroker,
} from '@qqbot/core/adapter'
import { attemptClaim, type Claim } from './claim-key.js'
import { ClaimsBucket } from './claims-bucket.js'
import { markDoneAndAck } from './done-mark.js'
import { acknowledge, deliveriesOf, giveBack, keepWorking, PullSize, type EventMessage } from './event-message.js'
import { countMissedHeartbeats, missedHeartbeats } from './missed-heartbeats.js'
import { jetStreamNames, type JetStreamNameOptions, type JetStreamNames } from './names.js'
import { ensureConsumer, ensureStream, type RetentionOptions } from './stream-setup.js'

/** Where a worker pulls from: the stream of the ingress's namespace, through the durable consumer every worker shares. */
export type { Claim } from './claim-key.js'

export interface JetStreamBrokerOptions extends RetentionOptions, Partial<JetStreamNameOptions> {
  /** A connection from `connect()` of `@nats-io/transport-node`; close it after the bot stopped. */
  nats: NatsConnection
  /** The same namespace as the ingress (default there: the AppID). */
  namespace: string
}

type Delivery = BrokerDelivery<EventMessage>

const bySeq = (seq: number): number => seq
const asIs = (event: EventMessage): EventMessage => event

/**
 * A JetStream durable pull consumer shared by every worker, for the broker-worker engine. JetStream itself
 * redelivers a message whose worker stopped answering for `claimIdleMs` (the consumer's `ack_wait`); a live
 * worker renews what it holds with `working()`. An event's claim and done mark is a key in a key-value bucket,
 * renewed by rewriting it: a claim whose revision stayed the same for `claimIdleMs`, by this worker's own
 * clock, belongs to a worker that is gone.
 */
export class JetStreamBroker implements WorkerBroker<EventMessage, Claim> {
  readonly target = 'JetStream'
  readonly names: JetStreamNames
  private kv: KV | undefined
  private claims: ClaimsBucket | undefined
  private consumer: Consumer | undefined
  private batch: ConsumerMessages | undefined
  private runtime: BrokerRuntime | undefined
  private reading = false
  private readonly pullSize = new PullSize()
  /** Claims of other workers seen by this one: revision and since when (our clock) it has not changed. */
  private readonly watched = new Map<string, { revision: number; since: number }>()

  constructor(
    private readonly options: JetStreamBrokerOptions,
    private readonly settings: BrokerWorkerSettings,
  ) {
    this.names = jetStreamNames(options)
    if (settings.blockMs < 1_000) {
      throw new ConfigError(
        `blockMs must be at least 1000 (JetStream pull requests expire no sooner); got ${settings.blockMs}.`,
      )
    }
  }

  async open(runtime: BrokerRuntime): Promise<void> {
    this.runtime = runtime
    await this.recover()
    this.kv = await new Kvm(this.options.nats).create(this.names.bucket, { ttl: this.settings.dedupeTtlMs, history: 1 })
    this.claims = new ClaimsBucket(this.kv, this.names.bucket, this.options.nats)
    this.reading = true
    void this.options.nats.closed().then((error) => {
      if (this.reading)
        runtime.logger.error(
          { err: error },
          'the NATS connection closed for good; this worker pulls no more events (connect with maxReconnectAttempts: -1 to keep reconnecting)',
        )
    })
    runtime.logger.info({ stream: this.names.stream, consumer: this.names.consumer }, 'pulling events from JetStream')
  }

  /** A pull fails the same way whether NATS blipped or the stream or consumer was deleted: make sure they exist. */
  async recover(): Promise<void> {
    await ensureStream(this.options.nats, this.names, this.options)
    await ensureConsumer(this.options.nats, this.names, this.settings.claimIdleMs)
    this.consumer = await jetstream(this.options.nats).consumers.get(this.names.stream, this.names.consumer)
  }

  async fetch(): Promise<AsyncIterable<Delivery>> {
    const batch = (this.batch = await this.consumer!.fetch({
      max_messages: this.pullSize.messagesFor(this.settings.batchSize),
      expires: this.settings.blockMs,
    }))
    const { pullSize, runtime } = this
    return (async function* () {
      try {
        for await (const msg of batch) {
          const deliveries = deliveriesOf(msg, bySeq, asIs)
          pullSize.count(deliveries.length)
          yield* deliveries
        }
      } catch (error) {
        if (!missedHeartbeats(error)) throw error
        countMissedHeartbeats(runtime!, 'pulling again; anything sent to it and dropped comes back after claimIdleMs')
      }
      pullSize.pullEnded()
    })()
  }

  /** Claims the event's key for this worker; 'elsewhere' when another live worker has it. */
  async claim({ message }: Delivery, dedupeKey: string): Promise<ClaimResult<Claim>> {
    const kv = this.kv!
    const { workerName, claimIdleMs } = this.settings
    const attempt = await attemptClaim(this.claims!, dedupeKey, workerName)
    if (attempt === 'done' || 'claim' in attempt) return attempt
    const { key, entry } = attempt
    if (entry) {
      // Another worker's claim. Its holder renews it every third of claimIdleMs; only a revision that stayed
      // the same for claimIdleMs, by this worker's own clock, means the holder is gone.
      const seen = this.watched.get(key)
      if (!seen || seen.revision !== entry.revision) {
        this.watched.set(key, { revision: entry.revision, since: Date.now() })
        giveBack(message, claimIdleMs)
        return 'elsewhere'
      }
      const unchangedFor = Date.now() - seen.since
      if (unchangedFor < claimIdleMs) {
        giveBack(message, claimIdleMs - unchangedFor)
        return 'elsewhere'
      }
      this.watched.delete(key)
    }
    try {
      // The holder stopped renewing its claim: take it over (only if nobody else did meanwhile).
      return {
        claim: {
          key,
          revision: entry ? await kv.update(key, workerName, entry.revision) : await kv.create(key, workerName),
        },
      }
    } catch {
      giveBack(message, claimIdleMs)
      return 'elsewhere'
    }
  }

  /** `working()` resets each message's ack timer; rewriting a claim moves its revision on. */
  async renew(held: Iterable<HeldDelivery<EventMessage, Claim>>): Promise<void> {
    const holding = [...held]
    keepWorking(holding.map(({ delivery }) => delivery.message))
    for (const { delivery, claim } of holding) {
      if (claim) {
        this.kv!.update(claim.key, this.settings.workerName, claim.revision).then(
          (revision) => (claim.revision = revision),
          (error: unknown) =>
            this.runtime!.logger.warn(
              { err: error, entry: delivery.id },
              'could not renew the claim of an event being handled',
            ),
        )
      }
    }
    this.forgetOldClaims()
  }

  async readState(): Promise<BrokerState | undefined> {
    try {
      const jsm = await jetstreamManager(this.options.nats)
      const info = await jsm.consumers.info(this.names.stream, this.names.consumer)
      return { lag: info.num_pending, groupPending: info.num_ack_pending }
    } catch (error) {
      if (this.reading) this.runtime!.logger.debug({ err: error }, 'could not read the consumer state')
      return undefined
    }
  }

  complete({ delivery, claim }: HeldDelivery<EventMessage, Claim>): Promise<void> {
    return markDoneAndAck(this.claims!, delivery.message, claim)
  }

  async discard({ message }: Delivery): Promise<void> {
    acknowledge(message)
  }

  giveBack({ message }: Delivery): void {
    giveBack(message, 1_000)
  }

  async stopReading(): Promise<void> {
    this.reading = false
    await this.batch?.close().catch(() => undefined)
  }

  /** Acknowledgements sent without waiting for an answer reach the server before the caller closes the connection. */
  async close(): Promise<void> {
    await this.options.nats.flush().catch(() => undefined)
    this.claims?.close()
  }

  private forgetOldClaims(): void {
    const before = Date.now() - 3 * this.settings.claimIdleMs
    for (const [key, seen] of this.watched) if (seen.since < before) this.watched.delete(key)
  }
}
