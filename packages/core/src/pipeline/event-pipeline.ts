import { parseEventPayload } from '../events/schemas.js'
import { ConfigError, QQBotError } from '../errors/qqbot-error.js'
import type { NonconformingField } from '../events/normalize.js'
import { FlatStringMap } from '../util/flat-string-map.js'
import { DedupeCache } from './dedupe-cache.js'
import { NonconformingReport } from './nonconforming-report.js'
import { OrderedLanes, type LaneTicket } from './ordered-lanes.js'
import { orderKeyFunction, type OrderKeyFunction } from './order-key.js'
import { eventDedupeKey, eventIdOf } from './event-keys.js'
import type { EventEnvelope, EventSink } from './event-envelope.js'
import type { DispatchedEvent } from './dispatched-event.js'
import type { EventInterceptor, EventPipelineOptions } from './pipeline-options.js'
import { errorContextOf } from './error-context.js'

export type {
  EventInterceptor,
  EventPipelineOptions,
  EventPipelineTuning,
  PipelineHandler,
} from './pipeline-options.js'

/**
 * Thrown by a handler that could not take charge of an event at all (an ingress that could not hand it to
 * its broker before stopping). Unlike any other failure the event is not reported done, so its source keeps
 * its position before it: the gateway's stored seq stays below it and whoever resumes the shard is replayed it.
 */
export class UnfinishedEventError extends QQBotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EVENT_NOT_FINISHED', message, options)
  }
}

/**
 * The one road every event takes, whatever delivered it: check the payload at the edge (never dropping it),
 * drop repeated ids, queue in line behind earlier events of the same order key, and run the handler with
 * bounded concurrency. Under a burst the queue grows to the high-water mark, then `push` tells the source to
 * pause (the gateway stops reading its socket), so nothing is dropped and memory stays bounded.
 */
export class EventPipeline implements EventSink {
  private readonly queue: OrderedLanes<QueuedEvent>
  private readonly orderKey: OrderKeyFunction | undefined
  private readonly dedupe: DedupeCache
  private readonly drainListeners = new Set<() => void>()
  private readonly idleWaiters: (() => void)[] = []
  private readonly concurrency: number
  private readonly highWaterMark: number
  private readonly lowWaterMark: number
  private running = 0
  private saturated = false
  private readonly interceptors: EventInterceptor[] = []
  /**
   * Dedupe key of each queued or running event → `done` callbacks of copies that arrived meanwhile (null: none
   * yet). One key added and deleted per event: see {@link FlatStringMap}.
   */
  private readonly unfinished = new FlatStringMap<(() => void)[] | null>()
  private readonly report: NonconformingReport

  constructor(private readonly options: EventPipelineOptions) {
    this.concurrency = options.concurrency ?? 64
    this.highWaterMark = options.highWaterMark ?? 1024
    this.lowWaterMark = options.lowWaterMark ?? Math.floor(this.highWaterMark / 2)
    this.dedupe = new DedupeCache(options.dedupeTtlMs, options.dedupeMaxEntries)
    this.report = new NonconformingReport(options.logger, options.metrics, options.nonconforming)
    this.orderKey = orderKeyFunction(options.order)
    this.queue = new OrderedLanes({
      holdMs: checkedHoldMs(options.orderHoldMs ?? 30_000),
      onHoldExpired: (key, queued, first) => this.holdExpired(key, queued.event, first),
    })
    options.metrics.gauge('pipeline_queued', () => this.queue.size)
    options.metrics.gauge('pipeline_order_waiting', () => this.queue.waiting)
    options.metrics.gauge('pipeline_running', () => this.running)
  }

  /** Events not running yet: waiting for a handler slot or behind an earlier event of their order key. */
  get queued(): number {
    return this.queue.size
  }

  /** Events being handled now. */
  get active(): number {
    return this.running
  }

  push(envelope: EventEnvelope): boolean {
    const { metrics, logger } = this.options
    metrics.inc('events_received', { source: envelope.source })
    let data = envelope.data
    let nonconforming: readonly NonconformingField[] | undefined
    if (this.options.validate !== false) {
      const parsed = parseEventPayload(envelope.name, envelope.data)
      data = parsed.data
      if (parsed.nonconforming) {
        nonconforming = parsed.nonconforming
        this.report.record(envelope, nonconforming)
      }
    }
    const id = eventIdOf(envelope.id)
    const wanted = this.options.wants?.(envelope.name) ?? true
    const deliveryId = eventDedupeKey(envelope.name, id, data)
    const { dedupeKey } = this.options
    const key = !wanted ? undefined : dedupeKey ? dedupeKey(envelope.name, id, data) : deliveryId
    // A running event is a repeat however long ago it arrived (the dedupe cache may have evicted its key).
    if (key !== undefined && (this.unfinished.has(key) || !this.dedupe.add(key))) {
      metrics.inc('events_duplicate', { event: envelope.name })
      logger.debug({ event: envelope.name, eventId: id }, 'dropped a repeated delivery')
      // A copy is finished only when the original is: a broker must not acknowledge it while the original runs.
      if (!this.unfinished.has(key)) envelope.done?.()
      else if (envelope.done) this.unfinished.set(key, [...(this.unfinished.get(key) ?? []), envelope.done])
      return !this.saturated
    }
    const event = {
      name: envelope.name,
      id,
      data,
      seq: envelope.seq,
      source: envelope.source,
      shard: envelope.shard,
      receivedAt: envelope.receivedAt,
      deliveryId,
      attempt: envelope.attempt ?? 1,
    } as DispatchedEvent
    if (nonconforming) (event as { nonconforming?: readonly NonconformingField[] }).nonconforming = nonconforming
    if (this.intercepted(event) || !wanted) {
      envelope.done?.()
      return !this.saturated
    }
    if (key !== undefined) this.unfinished.set(key, null)
    this.queue.add({ event, done: envelope.done, key, admit: envelope.admit }, this.orderKeyOf(event))
    this.pump()
    if (this.queue.size >= this.highWaterMark) this.saturated = true
    return !this.saturated
  }

  /** Adds an interceptor (see {@link EventInterceptor}); returns a function that removes it. */
  intercept(interceptor: EventInterceptor): () => void {
    this.interceptors.push(interceptor)
    return () => {
      const index = this.interceptors.indexOf(interceptor)
      if (index >= 0) this.interceptors.splice(index, 1)
    }
  }

  onDrain(listener: () => void): () => void {
    this.drainListeners.add(listener)
    return () => this.drainListeners.delete(listener)
  }

  /** Resolves when nothing is queued or running (for graceful shutdown and tests). */
  idle(): Promise<void> {
    if (this.running === 0 && this.queue.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private intercepted(event: DispatchedEvent): boolean {
    for (const interceptor of this.interceptors) {
      try {
        if (interceptor(event)) return true
      } catch (error) {
        this.options.logger.error(
          { err: error, event: event.name, eventId: event.id },
          'an event interceptor threw; the event is queued as usual',
        )
      }
    }
    return false
  }

  /** The event's order key; a key function that throws leaves the event unordered (and is logged). */
  private orderKeyOf(event: DispatchedEvent): string | undefined {
    try {
      return this.orderKey?.(event)
    } catch (error) {
      this.options.logger.error(
        { err: error, event: event.name, eventId: event.id },
        'the pipeline.order key function threw; the event runs unordered',
      )
      return undefined
    }
  }

  private holdExpired(key: string, event: DispatchedEvent, first: boolean): void {
    this.options.metrics.inc('events_order_released', { event: event.name })
    if (first) {
      this.options.logger.warn(
        { event: event.name, eventId: event.id, orderKey: key },
        'a handler held its order key past pipeline.orderHoldMs; the next events of the key run without waiting for it',
      )
    }
    this.pump()
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const ticket = this.queue.take()
      if (!ticket) break
      this.running++
      void this.run(ticket)
    }
    if (this.saturated && this.queue.size <= this.lowWaterMark) {
      this.saturated = false
      for (const listener of [...this.drainListeners]) listener()
    }
    if (this.running === 0 && this.queue.size === 0 && this.idleWaiters.length > 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve()
    }
  }

  /** The envelope's `admit` answer; one that throws admits the event (the source could not tell). */
  private async admitted(admit: () => boolean | Promise<boolean>, event: DispatchedEvent): Promise<boolean> {
    let admitted = true
    try {
      admitted = await admit()
    } catch (error) {
      this.options.logger.error(
        { err: error, event: event.name, eventId: event.id },
        "an event source's admit check threw; running the event",
      )
    }
    if (!admitted) {
      this.options.metrics.inc('events_revoked', { event: event.name })
      this.options.logger.debug(
        { event: event.name, eventId: event.id },
        'dropped a queued event its source no longer owns',
      )
    }
    return admitted
  }

  /** A source's `done` callback must not stop the queue, whatever it does. */
  private finish(done: (() => void) | undefined): void {
    try {
      done?.()
    } catch (error) {
      this.options.logger.error({ err: error }, "an event source's done callback threw")
    }
  }

  private async run(ticket: LaneTicket<QueuedEvent>): Promise<void> {
    const { event, done, key, admit } = ticket.item
    let unfinished = false
    try {
      if (admit && !(await this.admitted(admit, event))) {
        unfinished = true
        return
      }
      this.options.metrics.inc('events_dispatched')
      await this.options.handler(event)
    } catch (error) {
      unfinished = error instanceof UnfinishedEventError
      this.options.metrics.inc('events_failed', { event: event.name })
      this.options.logger.error(
        { err: error, event: event.name, eventId: event.id, ...errorContextOf(error) },
        'event handler failed',
      )
      try {
        this.options.onError?.(error, event)
      } catch (hookError) {
        this.options.logger.error({ err: hookError }, 'the error hook itself threw')
      }
    } finally {
      this.running--
      this.queue.finish(ticket)
      if (!unfinished) this.finish(done)
      if (key !== undefined) {
        // Copies of an unfinished event stay unfinished with it, and a later delivery of it must run.
        if (!unfinished) for (const copy of this.unfinished.get(key) ?? []) this.finish(copy)
        else this.dedupe.forget(key)
        this.unfinished.delete(key)
      }
      this.pump()
    }
  }
}

interface QueuedEvent {
  event: DispatchedEvent
  done: (() => void) | undefined
  key: string | undefined
  admit: EventEnvelope['admit']
}

/** `orderHoldMs` as a timer takes it: positive, and either finite within a timer's range or Infinity. */
function checkedHoldMs(holdMs: number): number {
  if (holdMs === Infinity || (Number.isFinite(holdMs) && holdMs > 0 && holdMs <= MAX_TIMER_MS)) return holdMs
  throw new ConfigError(
    `pipeline.orderHoldMs must be a positive number of milliseconds up to ${MAX_TIMER_MS}, or Infinity; got ${String(holdMs)}.`,
  )
}

const MAX_TIMER_MS = 2 ** 31 - 1
