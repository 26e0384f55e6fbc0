import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'
import type { DispatchedEvent } from './dispatched-event.js'
import type { NonconformingReportOptions } from './nonconforming-report.js'
import type { EventOrder } from './order-key.js'

export type PipelineHandler = (event: DispatchedEvent) => unknown

/**
 * Sees each validated, deduplicated event before it is queued; returning true consumes it. For answers
 * that a running handler is waiting for (a conversation): they must not wait for a handler slot
 * themselves, or enough waiting handlers would block the queue for good.
 */
export type EventInterceptor = (event: DispatchedEvent) => boolean

export interface EventPipelineOptions {
  logger: Logger
  metrics: Metrics
  /** Called for every accepted event; its promise holds a concurrency slot until it settles. */
  handler: PipelineHandler
  /** Called when the handler throws or rejects (after logging). */
  onError?: (error: unknown, event: DispatchedEvent) => void
  /** Events handled at once. Default 64. */
  concurrency?: number
  /**
   * Queued events above which `push` returns false (sources pause); events waiting behind an earlier event
   * of their order key count too. Default 1024.
   */
  highWaterMark?: number
  /** Queued events below which paused sources resume. Default half the high-water mark. */
  lowWaterMark?: number
  /**
   * Which events are handled one at a time, in the order their source delivered them (see {@link EventOrder}).
   * Events of different keys run concurrently, within `concurrency`; an event waiting for its key holds no
   * handler slot. Answers to `ctx.prompt()` are taken before they queue, so they reach the handler that asked
   * while it holds the key. Default `'user-in-chat'`.
   */
  order?: EventOrder
  /**
   * How long a running event may hold its order key, in ms. Past it the next event of the key runs without
   * waiting any longer (the slow handler runs on); counted as `events_order_released` and logged once per key.
   * Must be positive; `Infinity` waits for ever. Default 30,000 (30 s).
   */
  orderHoldMs?: number
  /** How long a handled id is remembered to drop repeats. Default 10 min. */
  dedupeTtlMs?: number
  /** Most handled ids remembered at once; the oldest are forgotten first. Default 100,000. */
  dedupeMaxEntries?: number
  /**
   * Check payloads of known events against their schema. Default true. An event that does not conform is
   * delivered all the same (known variants rewritten to the documented shape), counted and logged.
   */
  validate?: boolean
  /** How often a nonconforming field is logged. */
  nonconforming?: NonconformingReportOptions
  /**
   * Whether anything handles events of this name. An event nobody wants is finished at once and does not take
   * its dedupe key, so a copy of it under another name (a group message sent as both GROUP_MESSAGE_CREATE and
   * GROUP_AT_MESSAGE_CREATE) still reaches the handlers of that name. Default: every event is wanted.
   */
  wants?: (name: string) => boolean
  /**
   * What makes two deliveries one event, to drop the repeat. Default `eventDedupeKey`: a message pushed under
   * two names is one event. An ingress passes `namedDedupeKey`, so each named copy reaches its broker.
   */
  dedupeKey?: (name: string, eventId: string | undefined, data: unknown) => string | undefined
}

/** The pipeline options a bot author tunes (`ClientOptions.pipeline`); the rest are wired by the client. */
export type EventPipelineTuning = Pick<
  EventPipelineOptions,
  | 'concurrency'
  | 'highWaterMark'
  | 'lowWaterMark'
  | 'order'
  | 'orderHoldMs'
  | 'dedupeTtlMs'
  | 'dedupeMaxEntries'
  | 'validate'
  | 'nonconforming'
>
