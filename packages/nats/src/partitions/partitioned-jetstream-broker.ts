import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import { ConfigError } from '@qqbot/core'
import {
  sleep,
  type BrokerRuntime,
  type BrokerState,
  type BrokerWorkerSettings,
  type ClaimResult,
  type HeldDelivery,
  type WorkerBroker,
} from '@qqbot/core/adapter'
import { ClaimsBucket } from '../claims-bucket.js'
import { markDoneAndAck } from '../done-mark.js'
import { acknowledge, giveBack, keepWorking } from '../event-message.js'
import { attemptClaim, type Claim } from '../claim-key.js'
import type { JetStreamBrokerOptions } from '../jetstream-broker.js'
import { jetStreamNames } from '../names.js'
import { ensureStream } from '../stream-setup.js'
import { KvPartitionLeases, type KvPartitionLeaseOptions } from './kv-partition-leases.js'
import { partitionedNames, type PartitionedNames } from './partition-names.js'
import { PartitionPuller, type PartitionDelivery as Delivery, type PartitionMessage } from './partition-puller.js'

export interface PartitionedJetStreamBrokerOptions extends JetStreamBrokerOptions, KvPartitionLeaseOptions {}

/**
 * JetStream with one subject and one durable consumer per partition (`qqbot.<ns>.events.<n>`, `workers-<n>`), for
 * the broker-worker engine: this worker pulls only from the consumers of the partitions it holds a lease of
 * ({@link KvPartitionLeases}). Taking a partition creates its consumer anew: the stream keeps messages until
 * they are acknowledged (work-queue retention), so the new consumer delivers first what the previous owner had
 * not acknowledged, in stream order, then new messages, without waiting for `ack_wait`. A previous owner that
 * died holds claims no live worker renews: they are taken over at once, so those events keep their place.
 */
export class PartitionedJetStreamBroker implements WorkerBroker<PartitionMessage, Claim> {
  readonly target = 'JetStream (partitioned)'
  readonly names: PartitionedNames
  readonly leases: KvPartitionLeases
  private readonly claimsBucket: string
  private kv: KV | undefined
  private claims: ClaimsBucket | undefined
  private runtime: BrokerRuntime | undefined
  private readonly held = new Map<number, PartitionPuller>()
  /** Pulled, not yet handed to the engine. */
  private queue: Delivery[] = []
  private wake: (() => void) | undefined

  constructor(
    private readonly options: PartitionedJetStreamBrokerOptions,
    private readonly settings: BrokerWorkerSettings,
    readonly partitions: number,
  ) {
    const names = jetStreamNames(options)
    this.names = partitionedNames(names)
    this.claimsBucket = names.bucket
    if (settings.blockMs < 1_000)
      throw new ConfigError(
        `blockMs must be at least 1000 (JetStream pull requests expire no sooner); got ${settings.blockMs}.`,
      )
    this.leases = new KvPartitionLeases({ ...options, bucket: this.names.leases, workerName: settings.workerName })
  }

  async open(runtime: BrokerRuntime): Promise<void> {
    this.runtime = runtime
    await ensureStream(
      this.options.nats,
      { stream: this.names.stream, subject: this.names.subjects, consumer: '', bucket: '' },
      this.options,
    )
    this.kv = await new Kvm(this.options.nats).create(this.claimsBucket, { ttl: this.settings.dedupeTtlMs, history: 1 })
    this.claims = new ClaimsBucket(this.kv, this.claimsBucket, this.options.nats)
    await this.leases.join(this.partitions, runtime.logger, {
      gained: (partition) => this.gain(partition),
      lost: (partition, drain) => this.lose(partition, drain),
    })
    runtime.logger.info(
      { stream: this.names.stream, partitions: this.leases.partitions, of: this.partitions },
      'pulling events from the partitions this worker holds',
    )
  }

  async fetch(): Promise<Delivery[]> {
    if (this.queue.length === 0) {
      const signal = this.runtime!.readingStopped
      await Promise.race([
        new Promise<void>((resolve) => (this.wake = resolve)),
        sleep(this.settings.blockMs, signal).catch(() => undefined),
      ])
      this.wake = undefined
    }
    return this.queue.splice(0, this.settings.batchSize)
  }

  async claim(delivery: Delivery, dedupeKey: string): Promise<ClaimResult<Claim>> {
    const kv = this.kv!
    const { workerName, claimIdleMs } = this.settings
    const attempt = await attemptClaim(this.claims!, dedupeKey, workerName)
    if (attempt === 'done' || 'claim' in attempt) return attempt
    const { key, entry, holder } = attempt
    if (!entry || holder === undefined || !(await this.leases.isLive(holder))) {
      // Nobody holds it, or the worker that did is gone (its partition came here): take it, in its place in line.
      try {
        const revision = entry ? await kv.update(key, workerName, entry.revision) : await kv.create(key, workerName)
        return { claim: { key, revision } }
      } catch {
        // another worker was quicker: as below
      }
    }
    giveBack(delivery.message, claimIdleMs)
    this.finish(delivery)
    return 'elsewhere'
  }

  /** `working()` resets each message's ack timer (those still queued here too); rewriting a claim moves it on. */
  async renew(held: Iterable<HeldDelivery<PartitionMessage, Claim>>): Promise<void> {
    const holding = [...held]
    keepWorking([...this.queue, ...holding.map(({ delivery }) => delivery)].map((delivery) => delivery.message))
    for (const { delivery, claim } of holding) {
      if (claim)
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

  async readState(): Promise<BrokerState | undefined> {
    try {
      const jsm = await jetstreamManager(this.options.nats)
      const infos = await Promise.all(
        [...this.held.keys()].map((partition) => jsm.consumers.info(this.names.stream, this.names.consumer(partition))),
      )
      return {
        lag: infos.reduce((sum, info) => sum + info.num_pending, 0),
        groupPending: infos.reduce((sum, info) => sum + info.num_ack_pending, 0),
      }
    } catch (error) {
      this.runtime!.logger.debug({ err: error }, 'could not read the consumers’ state')
      return undefined
    }
  }

  async complete({ delivery, claim }: HeldDelivery<PartitionMessage, Claim>): Promise<void> {
    try {
      await markDoneAndAck(this.claims!, delivery.message, claim)
    } finally {
      this.finish(delivery)
    }
  }

  async discard(delivery: Delivery): Promise<void> {
    acknowledge(delivery.message)
    this.finish(delivery)
  }

  giveBack(delivery: Delivery): void {
    giveBack(delivery.message, 1_000)
    this.finish(delivery)
  }

  async stopReading(): Promise<void> {
    await Promise.all([...this.held.values()].map((held) => held.stop()))
    this.wake?.()
  }

  /** Everything read is acknowledged: release the leases, so the others take the partitions at once. */
  async close(): Promise<void> {
    await this.options.nats.flush().catch(() => undefined) // the acknowledgements sent without an answer
    this.claims?.close()
    await this.leases.leave()
  }

  private gain(partition: number): void {
    this.held.set(
      partition,
      new PartitionPuller(partition, this.options.nats, this.names, this.settings, this.runtime!, {
        stillOurs: () => this.leases.holds(partition),
        roomInQueue: () => this.queue.length < this.settings.batchSize,
        pulled: (delivery) => {
          this.queue.push(delivery)
          this.wake?.()
        },
      }),
    )
  }

  /** Stops pulling `partition`; with `drain`, returns once what was pulled of it is finished (at most stopDrainMs). */
  private async lose(partition: number, drain: boolean): Promise<void> {
    const held = this.held.get(partition)
    if (!held) return
    await held.stop()
    if (drain) {
      const deadline = Date.now() + this.settings.stopDrainMs
      while (held.outstanding.size > 0 && Date.now() < deadline) await sleep(20)
      if (held.outstanding.size > 0)
        this.runtime!.logger.warn(
          { partition, unfinished: held.outstanding.size },
          'handing a partition back before its events finished (stopDrainMs passed): they may run again on its next owner',
        )
      // The acknowledgements sent without an answer reach the server before the lease is released.
      await this.options.nats.flush().catch(() => undefined)
    } else {
      // Not ours any more: what is still queued is the next owner's (its new consumer delivers it again).
      this.queue = this.queue.filter((delivery) => delivery.message.partition !== partition)
    }
    if (this.held.get(partition) === held) this.held.delete(partition)
  }

  private finish(delivery: Delivery): void {
    this.held.get(delivery.message.partition)?.outstanding.delete(delivery.id)
  }
}
