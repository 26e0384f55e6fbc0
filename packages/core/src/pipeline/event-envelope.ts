import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'

/** An event as an {@link EventSource} hands it over, before validation. Same shape from gateway, webhook or broker. */
export interface EventEnvelope {
  /** Event name, the payload's `t` (e.g. `GROUP_AT_MESSAGE_CREATE`). */
  name: string
  /** The payload's top-level `id` (the event id; `event_id` for passive replies to non-message events). */
  id?: string
  /** The payload's `d`, not yet validated. */
  data: unknown
  /** Gateway sequence number, when the source has one. */
  seq?: number
  /** Which source delivered it: `gateway`, `webhook`, a broker name. */
  source: string
  /** `[shardId, shardCount]` for gateway events. */
  shard?: readonly [number, number]
  /** `Date.now()` when it arrived; reply windows are measured from here. */
  receivedAt: number
  /** How many times this event was delivered, counting this one, when the source knows (see DispatchedEvent.attempt). Default 1. */
  attempt?: number
  /**
   * Called once when the sink is finished with the event: handled (whatever the outcome), or dropped as
   * invalid or repeated. A source that stores a position (the gateway's seq) advances it only over
   * finished events, so whoever takes over after a crash is replayed what was not finished.
   */
  done?: () => void
  /**
   * Asked when the event's turn to run comes (it may have waited in the queue). False drops it without
   * running handlers and without `done`: its source lost the right to it meanwhile (another process owns
   * the shard now and is replayed it). A promise holds the event's handler slot until it settles.
   */
  admit?: () => boolean | Promise<boolean>
}

/** Where an event source puts events. Modelled on a writable stream: `push` returning false means "pause". */
export interface EventSink {
  /** Accepts an event (always; nothing is dropped). Returns false above the high-water mark: pause reading until `onDrain`. */
  push(envelope: EventEnvelope): boolean
  /** Calls `listener` when the queue falls back below the low-water mark. Returns an unsubscribe function. */
  onDrain(listener: () => void): () => void
}

/** What the client lends its event source: its logger and metrics, so a custom source reports like the built-in ones. */
export interface SourceRuntime {
  logger: Logger
  metrics: Metrics
  /**
   * Whether the client handles events of this name. A source that claims events across processes (a broker
   * worker) acknowledges the others without claiming them, so a copy of a message under a name this client does
   * not handle never takes the claim from the copy it does handle.
   */
  wants?: (name: string) => boolean
}

/** Anything that delivers platform events: the gateway, a webhook server, a broker consumer. */
export interface EventSource {
  readonly kind: string
  /** Called once by the client before `start`. */
  bind?(runtime: SourceRuntime): void
  start(sink: EventSink): Promise<void>
  stop(): Promise<void>
}
