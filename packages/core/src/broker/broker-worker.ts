import { setMaxListeners } from 'node:events'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope, EventSink, EventSource, SourceRuntime } from '../pipeline/event-envelope.js'
import { eventDedupeKey } from '../pipeline/event-keys.js'
import { HeldEvents } from '../pipeline/held-events.js'
import { PullGate } from '../pipeline/pull-gate.js'
import { sleep } from '../util/sleep.js'
import type { BrokerWorkerSettings } from './broker-worker-options.js'
import type { BrokerDelivery, HeldDelivery, WorkerBroker } from './worker-broker.js'

const NOT_TAKEN: Promise<undefined> = Promise.resolve(undefined)

/** A message whose claim came through, waiting for its turn to be pushed. */
interface Taken<M, C> extends HeldDelivery<M, C> {
  envelope: EventEnvelope
}

/**
 * The worker side of an ingress/worker split, whatever the broker: reads events as one member of a consumer
 * group and feeds them to the bot's pipeline, so the same controllers run as in a single process. A broker
 * adapter supplies a {@link WorkerBroker}; this engine runs the loops around it.
 *
 * Delivery: a message is acknowledged only after its handler finished. The worker renews what it holds
 * every third of `claimIdleMs`, so only the messages of a worker that stopped answering go to another. Each
 * event has a key (its message or event id): a worker claims it before handling and marks it done with the
 * acknowledgement, so a second copy (an ingress replaying after a takeover, a redelivered message) is skipped.
 * A handler that ran but died before its acknowledgement runs again elsewhere; its reply then carries the
 * same msg_id and msg_seq, which the platform refuses as a duplicate, so the user still sees one reply.
 *
 * Flow: claims of a batch go out at once, events reach the pipeline in stream order; while the pipeline is
 * full nothing more is read or taken over. Stop: reading ends, the held messages stay this worker's
 * (renewed) while they finish, up to `stopDrainMs`, and stop() returns once they are acknowledged.
 */
export class BrokerWorker<M, C> implements EventSource {
  /** This worker's name in the group. */
  readonly workerName: string
  private sink: EventSink | undefined
  private gate: PullGate | undefined
  private running = false
  private reading: Promise<void> | undefined
  private renewing: Promise<void> | undefined
  private readonly holding = new HeldEvents<BrokerDelivery<M>['id'], HeldDelivery<M, C>>()
  private lag = 0
  private groupPending = 0
  /** Aborted when stop() begins: reading ends. */
  private readonly readingStopped = new AbortController()
  /** Aborted when the held messages are finished (or stopDrainMs passed): renewing ends. */
  private readonly stopped = new AbortController()
  private logger: Logger | undefined
  private metrics: Metrics | undefined
  /** The client's answer to whether it handles events of a name (see `SourceRuntime.wants`); unset: every name. */
  private wants: ((name: string) => boolean) | undefined

  constructor(
    readonly kind: string,
    private readonly broker: WorkerBroker<M, C>,
    private readonly settings: BrokerWorkerSettings,
  ) {
    this.workerName = settings.workerName
    // Every partition's pull loop waits on this signal at once (up to MAX_PARTITIONS): not a listener leak.
    setMaxListeners(0, this.readingStopped.signal)
  }

  protected get log(): Logger {
    if (!this.logger) throw new Error('bind() the broker worker before start()')
    return this.logger
  }

  bind(runtime: SourceRuntime): void {
    this.logger = runtime.logger.child({ component: this.kind, worker: this.workerName })
    this.metrics = runtime.metrics
    this.wants = runtime.wants
    runtime.metrics.gauge('broker_pending', () => this.holding.size)
    runtime.metrics.gauge('broker_lag', () => this.lag)
    runtime.metrics.gauge('broker_group_pending', () => this.groupPending)
  }

  async start(sink: EventSink): Promise<void> {
    this.sink = sink
    this.gate = new PullGate(sink)
    await this.broker.open({
      logger: this.log,
      metrics: this.metrics!,
      readingStopped: this.readingStopped.signal,
      held: () => this.holding.size,
    })
    this.running = true
    this.reading = this.readLoop()
    this.renewing = this.renewLoop()
  }

  async stop(): Promise<void> {
    this.running = false
    this.readingStopped.abort()
    this.gate?.release()
    await this.broker.stopReading?.()
    await this.reading
    await this.holding.settle(this.settings.stopDrainMs)
    this.stopped.abort()
    await this.renewing
    await this.broker.close?.()
  }

  private async readLoop(): Promise<void> {
    while (this.running) {
      await this.gate!.ready()
      if (!this.running) break
      try {
        if ((await this.deliverInOrder(await this.broker.fetch())) > 0) this.metrics?.inc('broker_reads')
      } catch (error) {
        if (!this.running) break
        this.log.error({ err: error }, `reading from ${this.broker.target} failed; retrying in 1 s`)
        await this.pauseFor(1_000, this.readingStopped.signal)
        if (this.running) await this.broker.recover?.()
      }
    }
  }

  /** Renews what is held, reads the group's state, and takes over what dead workers left. */
  private async renewLoop(): Promise<void> {
    // Runs on after reading stopped, renewing what is held while stop() lets it finish.
    while (!this.stopped.signal.aborted) {
      await this.pauseFor(this.settings.renewEveryMs)
      if (this.stopped.signal.aborted) break
      try {
        await this.broker.renew([...this.holding.entries()].map(([, held]) => held))
        if (!this.running) continue
        const state = await this.broker.readState()
        if (state) ({ lag: this.lag, groupPending: this.groupPending } = state)
        // While the pipeline is full, take nothing more on; the gauges still tell how far behind we are.
        if (this.broker.reclaim && !this.gate!.holding) {
          for await (const page of this.broker.reclaim()) {
            await this.deliverInOrder(page)
            if (!this.running) break
          }
        }
      } catch (error) {
        this.log.error({ err: error }, 'renewing or reclaiming messages failed; retrying next round')
      }
    }
  }

  /**
   * Claims go out at once; events still reach the pipeline in the order the broker gave them. Resolves with the
   * number of messages once each is handed over or skipped.
   */
  private async deliverInOrder(
    deliveries: Iterable<BrokerDelivery<M>> | AsyncIterable<BrokerDelivery<M>>,
  ): Promise<number> {
    let previous: Promise<void> | undefined
    let count = 0
    // A read's array is walked at once: `for await` would spend a promise hop on each of its messages.
    if (Symbol.iterator in deliveries)
      for (const delivery of deliveries) {
        previous = this.deliver(delivery, previous)
        count++
      }
    else
      for await (const delivery of deliveries) {
        previous = this.deliver(delivery, previous)
        count++
      }
    await previous
    return count
  }

  /** Never rejects: a message it cannot take is given back to the broker, the batch goes on. */
  private deliver(delivery: BrokerDelivery<M>, previous: Promise<void> | undefined): Promise<void> {
    let taking: Promise<Taken<M, C> | undefined>
    try {
      taking = this.take(delivery)
    } catch (error) {
      taking = Promise.reject(error)
    }
    return taking.then(
      (taken) => (previous ? previous.then(() => this.handOver(delivery, taken)) : this.handOver(delivery, taken)),
      (error: unknown) => {
        this.log.error(
          { err: error, entry: delivery.id },
          `could not take a message (its claim failed); ${this.broker.target} delivers it again`,
        )
        this.broker.giveBack(delivery)
        return previous
      },
    )
  }

  /** Pushes a taken message into the pipeline, its `done` acknowledging it. */
  private handOver(delivery: BrokerDelivery<M>, taken: Taken<M, C> | undefined): void {
    // Already ours and not finished (delivered again meanwhile): handing it over twice would acknowledge it early.
    if (!taken || this.holding.has(delivery.id)) return
    const held: HeldDelivery<M, C> = { delivery, claim: taken.claim }
    this.holding.hold(delivery.id, held)
    // The envelope is this delivery's own (decoded for it alone): completed in place rather than copied.
    const envelope = taken.envelope
    envelope.attempt = delivery.attempt
    envelope.done = () => this.holding.release(delivery.id, () => this.complete(held))
    if (!this.sink!.push(envelope)) this.gate!.hold()
  }

  /** The message with its claim when this worker is to handle it; undefined when it is skipped. */
  private take(delivery: BrokerDelivery<M>): Promise<Taken<M, C> | undefined> {
    if (this.holding.has(delivery.id)) return NOT_TAKEN
    const { decoded } = delivery
    if ('error' in decoded) {
      this.log.warn(
        { entry: delivery.id, reason: decoded.error },
        'acknowledged and skipped a message that is not an event',
      )
      return this.broker.discard(delivery).then(() => undefined)
    }
    const { envelope } = decoded
    if (this.wants?.(envelope.name) === false) {
      // Its copy under a name this worker handles carries the same claim key: this one must not take it.
      return this.broker.discard(delivery).then(() => undefined)
    }
    if (delivery.attempt > 1) this.metrics?.inc('broker_reclaimed')
    const key = eventDedupeKey(envelope.name, envelope.id, envelope.data)
    if (key === undefined) return Promise.resolve({ delivery, envelope, claim: undefined })
    return this.broker.claim(delivery, key).then((result) => {
      if (result === 'elsewhere') return undefined
      if (result === 'done') {
        this.metrics?.inc('broker_duplicates')
        return this.broker.discard(delivery).then(() => undefined)
      }
      return { delivery, envelope, claim: result.claim }
    })
  }

  /** Marks the event done and acknowledges its message; never rejects. */
  private complete(held: HeldDelivery<M, C>): Promise<void> {
    let completing: Promise<void>
    try {
      completing = this.broker.complete(held)
    } catch (error) {
      completing = Promise.reject(error)
    }
    return completing.then(
      () => this.metrics?.inc('broker_acked'),
      (error: unknown) => {
        // Not acknowledged: the broker delivers it again, and its done mark (if written) skips it then.
        this.log.error({ err: error, entry: held.delivery.id }, 'could not acknowledge a handled message')
      },
    )
  }

  /** Sleeps, but wakes at once when the worker stops. */
  private pauseFor(ms: number, signal = this.stopped.signal): Promise<void> {
    return sleep(ms, signal).catch(() => undefined)
  }
}
