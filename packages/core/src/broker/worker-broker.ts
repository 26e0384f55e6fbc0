import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope } from '../pipeline/event-envelope.js'

/** One message a broker handed this worker, decoded. */
export interface BrokerDelivery<M> {
  /** Names the message among those this worker holds: a stream entry id, a stream sequence. */
  readonly id: string | number
  /** How often the message was delivered, counting this time: 1 when read first, more when taken over. */
  readonly attempt: number
  /** The event, or why the message is not one. */
  readonly decoded: { envelope: EventEnvelope } | { error: string }
  /** The broker's own handle on the message (a JetStream message; nothing more than the id for Redis). */
  readonly message: M
}

/** What an event's claim holds once the event is handled (until then: the name of the worker on it). */
export const DONE_MARK = 'done'

/** A broker's answer to a claim of an event's dedupe key. */
export type ClaimResult<C> =
  /** This worker has the event now; `claim` is what renewing and marking it done need. */
  | { claim: C }
  /** A worker finished the event already: the engine acknowledges the message and skips it. */
  | 'done'
  /** Another live worker is on it: the broker left the message to come back later (or to nobody). */
  | 'elsewhere'

/** How far behind the workers of the group are, as of the last check. */
export interface BrokerState {
  /** Messages no worker of the group has read yet. */
  lag: number
  /** Messages read by some worker of the group and not acknowledged yet. */
  groupPending: number
}

/** What the engine lends its broker when it opens. */
export interface BrokerRuntime {
  /** The worker's logger (component and worker name bound). */
  logger: Logger
  metrics: Metrics
  /** Aborted when the worker stops reading: a wait inside {@link WorkerBroker.fetch} should end at once. */
  readingStopped: AbortSignal
  /** How many messages the worker holds (handed to the pipeline, not acknowledged yet). */
  held(): number
}

/**
 * A consumer-group broker as {@link BrokerWorker} drives it: the few operations that differ between Redis
 * Streams, NATS JetStream, … Everything else (the read and renew loops, dedupe, backpressure, gauges, the stop
 * sequence) is the engine's. `M` is the broker's message handle, `C` what a claim of a dedupe key holds.
 */
export interface WorkerBroker<M, C> {
  /** For log lines: `the Redis stream`, `JetStream`. */
  readonly target: string
  /** Creates what the worker reads from (stream, group or consumer, dedupe store) unless it exists. */
  open(runtime: BrokerRuntime): Promise<void>
  /** The next messages for this worker in stream order, waiting up to `blockMs` for some. */
  fetch(): Promise<Iterable<BrokerDelivery<M>> | AsyncIterable<BrokerDelivery<M>>>
  /** After a failed fetch (and a pause): make sure what the worker reads from exists again. */
  recover?(): Promise<void>
  /**
   * Pages of messages that other workers took and stopped answering for, taken over by this worker. Brokers
   * that redeliver such messages by themselves (JetStream) leave it out.
   */
  reclaim?(): AsyncIterable<BrokerDelivery<M>[]>
  /** Claims the event's dedupe key for this worker (see {@link ClaimResult}). */
  claim(delivery: BrokerDelivery<M>, dedupeKey: string): Promise<ClaimResult<C>>
  /** Keeps what this worker holds its own: resets the broker's idle timers and extends the claims. */
  renew(held: Iterable<HeldDelivery<M, C>>): Promise<void>
  /** The group's lag and pending count, or undefined when they could not be read. */
  readState(): Promise<BrokerState | undefined>
  /** Marks the event done under its claim (when it has one) and acknowledges the message. */
  complete(held: HeldDelivery<M, C>): Promise<void>
  /** Acknowledges a message without handling it: not an event, or an event handled already. */
  discard(delivery: BrokerDelivery<M>): Promise<void>
  /** A message the worker could not take (its claim failed): give it back for a later delivery. */
  giveBack(delivery: BrokerDelivery<M>): void
  /** Reading stops: end a fetch under way. */
  stopReading?(): Promise<void>
  /** Everything held is finished: close what the broker opened for itself. */
  close?(): Promise<void>
}

/** A message handed to the pipeline and not acknowledged yet, with its claim. */
export interface HeldDelivery<M, C> {
  delivery: BrokerDelivery<M>
  claim: C | undefined
}
