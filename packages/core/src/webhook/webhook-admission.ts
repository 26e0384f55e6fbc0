import { performance } from 'node:perf_hooks'
import { ConfigError } from '../errors/qqbot-error.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope, EventSink } from '../pipeline/event-envelope.js'

/** How long the webhook may hold an ACK, and how many unfinished events it takes before it refuses more. */
export interface WebhookAdmissionOptions {
  /**
   * Longest time from a callback's arrival to its op 12 ACK, in ms. While handlers are behind (the pipeline is
   * over its high-water mark) the ACK is held for the queue to drain, ending 5 ms before this (timer slack), so
   * it goes out within it unless the event loop itself lags. `0` (or up to 5) never holds.
   * Default 50: half the platform's expectation of an answer within about 100 ms, leaving the other half for
   * the network, TLS and a proxy in front of the bot.
   */
  ackBudgetMs?: number
  /**
   * Events this endpoint accepted and the pipeline has not finished (queued or running) past which a callback
   * is refused at once with 503, so the platform sends it again later; the refused event never reaches the
   * pipeline, so its redelivery is not taken for a repeat. Bounds memory. Default 4,096.
   */
  maxPendingEvents?: number
}

/** What became of a callback's event: queued (acknowledge it) or refused at the hard cap (answer 503). */
export type Admission = 'queued' | 'at_cap'

const MAX_TIMER_MS = 2 ** 31 - 1
/** A hold ends this long before the budget: a timer fires a millisecond or so late, and the answer is still to be written. */
const HOLD_SLACK_MS = 5

/**
 * The webhook's share of backpressure: counts the events it handed to the pipeline until each is finished,
 * refuses new ones past the hard cap, and while the pipeline is saturated holds an ACK for it to drain, within
 * the ACK budget. Counted: `webhook_acks_held`, `webhook_acks_over_budget`, gauge `webhook_pending`.
 */
export class WebhookAdmission {
  readonly ackBudgetMs: number
  readonly maxPendingEvents: number
  private pending = 0

  constructor(
    options: WebhookAdmissionOptions,
    private readonly metrics: Metrics,
  ) {
    this.ackBudgetMs = checkedBudget(options.ackBudgetMs ?? 50)
    this.maxPendingEvents = checkedCap(options.maxPendingEvents ?? 4_096)
    metrics.gauge('webhook_pending', () => this.pending)
  }

  /**
   * Pushes `envelope` into `sink` unless the hard cap is reached; says when its ACK may go out: at once (a plain
   * value, so the ACK is written in the same tick as the push, before any handler's awaited work) unless the
   * pipeline is saturated and the budget leaves time to hold it (a promise, settled when it drains or the budget
   * runs out). `arrivedAt` is `performance.now()` when the request arrived: the budget counts from there.
   */
  admit(sink: EventSink, envelope: EventEnvelope, arrivedAt: number): Admission | Promise<Admission> {
    if (this.pending >= this.maxPendingEvents) return 'at_cap'
    envelope.done = this.finished
    const accepted = sink.push(envelope)
    // Counted after the push: a push that throws leaves no count behind; one that finishes the event at once
    // (a repeat) has already taken it off.
    this.pending++
    if (!accepted) {
      const left = this.ackBudgetMs - HOLD_SLACK_MS - (performance.now() - arrivedAt)
      if (left > 0) {
        this.metrics.inc('webhook_acks_held')
        return drainOrTimeout(sink, left).then(() => this.queued(arrivedAt))
      }
    }
    return this.queued(arrivedAt)
  }

  private queued(arrivedAt: number): Admission {
    // With a budget of 0 there is nothing to be over: every ACK would count.
    if (this.ackBudgetMs > 0 && performance.now() - arrivedAt > this.ackBudgetMs)
      this.metrics.inc('webhook_acks_over_budget')
    return 'queued'
  }

  /** One `done` for every envelope: the pipeline calls it once per event, however the event ends. */
  private readonly finished = () => {
    this.pending--
  }
}

/** Resolves when the sink drains or after `ms`, whichever comes first. */
function drainOrTimeout(sink: EventSink, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    const unsubscribe = sink.onDrain(done)
    function done() {
      clearTimeout(timer)
      unsubscribe()
      resolve()
    }
  })
}

function checkedBudget(ms: number): number {
  if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIMER_MS) return ms
  throw new ConfigError(
    `webhook.ackBudgetMs must be a number of milliseconds from 0 to ${MAX_TIMER_MS}; got ${String(ms)}. ` +
      'The platform expects an answer within about 100 ms: keep it well below that.',
  )
}

function checkedCap(count: number): number {
  if (Number.isInteger(count) && count > 0) return count
  throw new ConfigError(`webhook.maxPendingEvents must be a positive integer; got ${String(count)}.`)
}
