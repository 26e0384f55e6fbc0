import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import { ConfigError } from '@qqbot/core'
import {
  sleep,
  type BrokerDelivery,
  type BrokerRuntime,
  type BrokerState,
  type BrokerWorkerSettings,
  type ClaimResult,
  type HeldDelivery,
  type WorkerBroker,
} from '@qqbot/core/adapter'
import { ClaimsBucket } from '../claims-bucket.js'
import { markDoneAndAck } from '../done-mark.js'
import { decodeEvent } from '../event-codec.js'
import { attemptClaim, type Claim } from '../claim-key.js'
import type { JetStreamBrokerOptions } from '../jetstream-broker.js'
import { jetStreamNames } from '../names.js'
import { ensureStream } from '../stream-setup.js'
import { KvPartitionLeases, type KvPartitionLeaseOptions } from './kv-partition-leases.js'
import { partitionedNames, type PartitionedNames } from './partition-names.js'

export interface PartitionedJetStreamBrokerOptions extends JetStreamBrokerOptions, KvPartitionLeaseOptions {}

/** A JetStream message with the partition it came from. */
export interface PartitionMessage {
  readonly partition: number
  readonly msg: JsMsg
}

type Delivery = BrokerDelivery<PartitionMessage>

/** A partition this worker holds: its pull loop and what it handed over and is not finished. */
interface HeldPartition {
  pulling: boolean
  batch: ConsumerMessages | undefined
  pump: Promise<void>
  readonly outstanding: Set<Delivery['id']>
}

const NS_PER_MS = 1_000_000

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
  private readonly held = new Map<number, HeldPartition>()
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
    delivery.message.msg.nak(claimIdleMs)
    this.finish(delivery)
    return 'elsewhere'
  }

  /** `working()` resets each message's ack timer (those still queued here too); rewriting a claim moves it on. */
  async renew(held: Iterable<HeldDelivery<PartitionMessage, Claim>>): Promise<void> {
    for (const delivery of this.queue) delivery.message.msg.working()
    for (const { delivery, claim } of held) {
      delivery.message.msg.working()
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
      await markDoneAndAck(this.claims!, delivery.message.msg, claim)
    } finally {
      this.finish(delivery)
    }
  }

  async discard(delivery: Delivery): Promise<void> {
    delivery.message.msg.ack()
    this.finish(delivery)
  }

  giveBack(delivery: Delivery): void {
    delivery.message.msg.nak(1_000)
    this.finish(delivery)
  }

  async stopReading(): Promise<void> {
    await Promise.all([...this.held.values()].map((held) => this.stopPulling(held)))
    this.wake?.()
  }

  /** Everything read is acknowledged: release the leases, so the others take the partitions at once. */
  async close(): Promise<void> {
    await this.options.nats.flush().catch(() => undefined) // the acknowledgements sent without an answer
    this.claims?.close()
    await this.leases.leave()
  }

  private gain(partition: number): void {
    const held: HeldPartition = { pulling: true, batch: undefined, pump: Promise.resolve(), outstanding: new Set() }
    this.held.set(partition, held)
    held.pump = this.pull(partition, held)
  }

  /** Creates the partition's consumer anew, then pulls from it while the partition is this worker's. */
  private async pull(partition: number, held: HeldPartition): Promise<void> {
    const { logger, readingStopped } = this.runtime!
    let consumer: Consumer | undefined
    try {
      consumer = await this.createConsumer(partition)
    } catch (error) {
      logger.error({ err: error, partition }, 'could not create the consumer of a partition just taken')
      return
    }
    while (held.pulling) {
      // Backpressure: pull no more while the engine has not taken what is queued (little read ahead: a
      // partition handed back waits for what was read before it).
      if (this.queue.length >= this.settings.batchSize) {
        await sleep(20, readingStopped).catch(() => undefined)
        continue
      }
      try {
        const batch = (held.batch = await consumer.fetch({
          max_messages: this.settings.batchSize,
          expires: this.settings.blockMs,
        }))
        for await (const msg of batch) {
          const delivery: Delivery = {
            id: `${partition}/${msg.seq}`,
            attempt: msg.info.deliveryCount,
            decoded: decodeEvent(msg.string()),
            message: { partition, msg },
          }
          held.outstanding.add(delivery.id)
          this.queue.push(delivery)
          this.wake?.()
        }
      } catch (error) {
        if (!held.pulling) break
        logger.error(
          { err: error, partition },
          'pulling from a partition failed; reading it again from its first unacknowledged event in 1 s',
        )
        consumer = await this.resumeAfterFailedPull(partition, held)
        if (!consumer) break
      }
    }
  }

  /**
   * A pull that failed (heartbeats missed while the event loop stalled, a lost connection) may have taken events
   * that the client then dropped: the consumer would deliver them again only after `ack_wait`, behind newer ones
   * of the same keys. So the consumer is created anew, which delivers from the first unacknowledged event, in
   * stream order. What this worker still handles of the partition comes again too, and is skipped: the engine
   * holds it under the same id, or its done mark is written. Not waited for: a conversation under way waits for
   * a later event of the partition. Undefined once the partition is no longer pulled here.
   */
  private async resumeAfterFailedPull(partition: number, held: HeldPartition): Promise<Consumer | undefined> {
    const { logger, readingStopped } = this.runtime!
    while (held.pulling) {
      await sleep(1_000, readingStopped).catch(() => undefined)
      if (!held.pulling) break
      try {
        // Only while the server still has the lease as ours: a worker stalled past it must not reset the
        // consumer of the next owner (its lease round notices the loss and stops this loop).
        if (await this.leases.holds(partition)) return await this.createConsumer(partition)
      } catch (error) {
        logger.error({ err: error, partition }, 'could not create the consumer of a partition again; retrying in 1 s')
      }
    }
    return undefined
  }

  /** The partition's durable consumer, deleted first: it delivers every unacknowledged event, oldest first. */
  private async createConsumer(partition: number): Promise<Consumer> {
    const name = this.names.consumer(partition)
    const jsm = await jetstreamManager(this.options.nats)
    await jsm.consumers.delete(this.names.stream, name).catch(() => undefined)
    await jsm.consumers.add(this.names.stream, {
      durable_name: name,
      filter_subject: this.names.subject(partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: this.settings.claimIdleMs * NS_PER_MS,
      max_ack_pending: 10_000,
    })
    return jetstream(this.options.nats).consumers.get(this.names.stream, name)
  }

  private async stopPulling(held: HeldPartition): Promise<void> {
    held.pulling = false
    await held.batch?.close().catch(() => undefined)
    await held.pump
  }

  /** Stops pulling `partition`; with `drain`, returns once what was pulled of it is finished (at most stopDrainMs). */
  private async lose(partition: number, drain: boolean): Promise<void> {
    const held = this.held.get(partition)
    if (!held) return
    await this.stopPulling(held)
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
