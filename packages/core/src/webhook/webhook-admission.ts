import { performance } from 'node:perf_hooks'
import { ConfigError } from '../errors/qqbot-error.js'
import type { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope, EventSink } from '../pipeline/event-envelope.js'

/** How many unfinished events the webhook takes, from how many it holds ACKs, and for how long at most. */
export interface WebhookAdmissionOptions {
  /**
   * Longest time from a callback's arrival to its op 12 ACK, in ms. A held ACK (see `holdAcksFrom`) goes out
   * 5 ms before this (timer slack) at the latest, so it goes out within it unless the event loop itself lags.
   * `0` (or up to 5) never holds. Default 50: half the platform's expectation of an answer within about 100 ms,
   * leaving the other half for the network, TLS and a proxy in front of the bot.
   */
  ackBudgetMs?: number
  /**
   * Events this endpoint accepted and the pipeline has not finished (queued or running) past which a callback
   * is refused at once with 503, so the platform sends it again later; the refused event never reaches the
   * pipeline, so its redelivery is not taken for a repeat. Bounds memory: an event pending costs about 0.9 KB
   * plus its body's size. Default 32,768 (about 46 MB for group messages of 0.6 KB, 128 MB at 3 KB each): a
   * burst of 20,000 callbacks arriving faster than the handlers answer fits below the hold range.
   */
  maxPendingEvents?: number
  /**
   * The fraction of `maxPendingEvents` from which ACKs are held (within `ackBudgetMs`): each held ACK goes out
   * when an event finishes, one for one, so a platform that keeps a bounded number of callbacks in flight slows
   * to the handlers' pace before the cap turns its callbacks away with 503. Below it every ACK goes out at once.
   * `1` never holds (the cap alone bounds memory); `0` holds every ACK for a finished event. Default 0.75.
   */
  holdAcksFrom?: number
}

/** What became of a callback's event: queued (acknowledge it) or refused at the hard cap (answer 503). */
export type Admission = 'queued' | 'at_cap'

const MAX_TIMER_MS = 2 ** 31 - 1
/** A hold ends this long before the budget: a timer fires a millisecond or so late, and the answer is still to be written. */
const HOLD_SLACK_MS = 5

/**
 * The webhook's share of backpressure: counts the events it handed to the pipeline until each is finished,
 * refuses new ones past the hard cap, and in the top of the range below it holds ACKs, within the ACK budget.
 * It does not pause at the pipeline's high-water mark as a gateway or broker source does: those stop reading,
 * which costs nothing, while a webhook can slow the platform only by answering late, which costs the platform's
 * patience (an ACK it takes for late is an event sent again). So the queue may grow past the high-water mark up
 * to this cap, which bounds the memory instead. Counted: `webhook_acks_held`, `webhook_acks_over_budget`, gauge
 * `webhook_pending`.
 */
export class WebhookAdmission {
  readonly ackBudgetMs: number
  readonly maxPendingEvents: number
  /** Pending events (this one counted) above which an ACK is held. */
  readonly holdAbove: number
  private pending = 0
  /** Each held ACK's release, oldest first. */
  private readonly held = new Set<() => void>()

  constructor(
    options: WebhookAdmissionOptions,
    private readonly metrics: Metrics,
  ) {
    this.ackBudgetMs = checkedBudget(options.ackBudgetMs ?? 50)
    this.maxPendingEvents = checkedCap(options.maxPendingEvents ?? 32_768)
    this.holdAbove = Math.floor(checkedHoldFraction(options.holdAcksFrom ?? 0.75) * this.maxPendingEvents)
    metrics.gauge('webhook_pending', () => this.pending)
  }

  /**
   * Pushes `envelope` into `sink` unless the hard cap is reached; says when its ACK may go out: at once (a plain
   * value, so the ACK is written in the same tick as the push, before any handler's awaited work) unless the
   * pending events are in the hold range and the budget leaves time to hold it (a promise, settled when an event
   * finishes or the budget runs out). `arrivedAt` is `performance.now()` when the request arrived: the budget
   * counts from there.
   */
  admit(sink: EventSink, envelope: EventEnvelope, arrivedAt: number): Admission | Promise<Admission> {
    if (this.pending >= this.maxPendingEvents) return 'at_cap'
    envelope.done = this.finished
    // The pipeline's answer (its high-water mark) is not ours to act on: see the class comment.
    sink.push(envelope)
    // Counted after the push: a push that throws leaves no count behind; one that finishes the event at once
    // (a repeat) has already taken it off.
    this.pending++
    if (this.pending > this.holdAbove) {
      const left = this.ackBudgetMs - HOLD_SLACK_MS - (performance.now() - arrivedAt)
      if (left > 0) {
        this.metrics.inc('webhook_acks_held')
        return this.hold(left).then(() => this.queued(arrivedAt))
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

  /** Resolves when {@link finished} releases it or after `ms`, whichever comes first. */
  private hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer)
        this.held.delete(release)
        resolve()
      }
      const timer = setTimeout(release, ms)
      this.held.add(release)
    })
  }

  /**
   * One `done` for every envelope: the pipeline calls it once per event, however the event ends. A finished
   * event lets the oldest held ACK go (one out, one in); below the hold range they all go.
   */
  private readonly finished = () => {
    this.pending--
    if (this.held.size === 0) return
    if (this.pending > this.holdAbove) this.held.values().next().value!()
    else for (const release of [...this.held]) release()
  }
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

function checkedHoldFraction(fraction: number): number {
  if (Number.isFinite(fraction) && fraction >= 0 && fraction <= 1) return fraction
  throw new ConfigError(
    `webhook.holdAcksFrom must be a fraction of webhook.maxPendingEvents from 0 to 1 (1 never holds); got ${String(fraction)}.`,
  )
}
