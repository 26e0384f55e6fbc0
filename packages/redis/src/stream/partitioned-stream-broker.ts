import { duplicateConnection, serverOf, type RedisConnection } from '../connection.js'
import {
  type BrokerDelivery,
  type BrokerRuntime,
  type BrokerState,
  type BrokerWorkerSettings,
  type ClaimResult,
  type HeldDelivery,
  type WorkerBroker,
  sleep,
} from '@qqbot/core/adapter'
import { RedisKeys } from '../keys.js'
import { withScripts } from '../scripts.js'
import { EventKeys } from './event-claim.js'
import {
  autoclaimEntries,
  deliveryCounts,
  readGroupState,
  readNewEntries,
  type StreamReadReply,
} from './group-state.js'
import { HeldPartitions } from './held-partitions.js'
import { recreateLostGroups } from './lost-groups.js'
import { PartitionLeases, type PartitionLeaseOptions } from './partition-leases.js'
import { decodeEvent, type StreamFields } from './stream-codec.js'
import {
  checkSameSlot,
  DEFAULT_GROUP,
  ensureGroup,
  partitionStreamKey,
  streamKey,
  type StreamOptions,
} from './stream-options.js'

export interface PartitionedStreamBrokerOptions extends StreamOptions, PartitionLeaseOptions {
  redis: RedisConnection
  namespace: string
  prefix?: string
}

/** An entry of a partition's stream; `inherited` when it was pending in the group as this worker took the partition. */
export interface PartitionEntry {
  readonly partition: number
  readonly stream: string
  readonly id: string
  readonly inherited: boolean
}

type Delivery = BrokerDelivery<PartitionEntry>

/**
 * A Redis stream split into partitions (`<stream>:<n>`, each with the workers' group), for the broker-worker
 * engine: this worker reads only the partitions it holds a lease of ({@link PartitionLeases}), all of them in
 * one blocking XREADGROUP. The ingress puts every event of one order key into one partition, so a key's events
 * reach one worker, in stream order, and its pipeline lines keep them in order there.
 *
 * A partition handed back (a worker joined) stops being read, and its lease is released only after what was
 * read of it was handled and acknowledged: the next owner reads on from there. A partition taken over from a
 * dead worker (its lease lapsed) starts with the entries that worker had left pending (XAUTOCLAIM from 0, in
 * stream order), then new ones; their claims die with the worker (it is no longer a live member), so they keep
 * their place in line instead of waiting `claimIdleMs`. Claims, done marks and the reclaiming of entries left
 * pending are the unpartitioned broker's (see stream-broker.ts).
 */
export class PartitionedStreamBroker implements WorkerBroker<PartitionEntry, string> {
  readonly target = 'the partitioned stream'
  /** The base key: partition `n` is `<stream>:<n>`. */
  readonly stream: string
  readonly leases: PartitionLeases
  private readonly group: string
  private readonly keys: RedisKeys
  private readonly redis: RedisConnection
  private readonly held: HeldPartitions
  private readonly eventKeys: EventKeys
  private reader: RedisConnection | undefined
  private runtime: BrokerRuntime | undefined
  /** The blocking read under way, awaited by a partition handed back before its drain. */
  private reading: Promise<unknown> | undefined
  private unanswered = false
  private noReclaimUntil = 0
  private roundStartedAt = 0

  constructor(
    options: PartitionedStreamBrokerOptions,
    private readonly settings: BrokerWorkerSettings,
    readonly partitions: number,
  ) {
    this.stream = streamKey(options.namespace, options, options.prefix)
    this.group = options.group ?? DEFAULT_GROUP
    this.keys = new RedisKeys(options.namespace, options.prefix)
    this.redis = options.redis
    this.held = new HeldPartitions(this.stream, partitions)
    this.eventKeys = new EventKeys(this.redis, this.group, settings)
    this.leases = new PartitionLeases({ ...options, workerName: settings.workerName })
  }

  async open(runtime: BrokerRuntime): Promise<void> {
    this.runtime = runtime
    for (const stream of this.held.allStreams()) await ensureGroup(this.redis, stream, this.group)
    await checkSameSlot(this.redis, partitionStreamKey(this.stream, 0), this.keys.event('slot-check'))
    this.reader = duplicateConnection(this.redis)
    await this.leases.join(this.partitions, runtime, {
      gained: (partition) => this.gain(partition),
      lost: (partition, drain) => this.lose(partition, drain),
    })
    runtime.logger.info(
      { stream: this.stream, group: this.group, partitions: this.leases.partitions, of: this.partitions },
      'reading events from the partitions this worker holds',
    )
  }

  async fetch(): Promise<Delivery[]> {
    const inherited = await this.inheritPending()
    if (inherited.length > 0) return inherited
    const streams = this.held.readable()
    if (streams.length === 0) {
      // No partition yet (more workers than partitions, or a rebalance under way): look again shortly.
      await sleep(this.settings.blockMs, this.runtime!.readingStopped).catch(() => undefined)
      return []
    }
    let reply: StreamReadReply
    try {
      const read = readNewEntries(this.reader!, streams, this.group, this.settings.workerName, this.settings)
      this.reading = read.catch(() => undefined)
      reply = await read
    } catch (error) {
      if (this.runtime!.readingStopped.aborted || !String((error as Error).message).includes('NOGROUP')) {
        this.unanswered = true
        throw error
      }
      await recreateLostGroups(this.redis, streams, this.group, this.runtime!, { stream: this.stream })
      return []
    }
    const deliveries: Delivery[] = []
    for (const [stream, entries] of reply ?? []) {
      // Lost meanwhile: its entries stay pending here, and the next owner reclaims them once idle.
      const held = this.held.byStream(stream)
      if (!held) continue
      for (const [id, fields] of entries) deliveries.push(this.hand(held.partition, stream, id, fields, 1, false))
    }
    return deliveries
  }

  async *reclaim(): AsyncIterable<Delivery[]> {
    if (Date.now() < this.noReclaimUntil) return
    for (const held of [...this.held.values()]) {
      if (!held.reading || held.inheriting) continue
      let cursor = '0-0'
      do {
        const [next, entries] = await this.autoclaim(held.stream, this.settings.claimIdleMs, cursor, 100)
        cursor = next
        if (entries.length > 0 && this.held.get(held.partition) === held)
          yield await this.handAll(held.partition, held.stream, entries, false)
      } while (cursor !== '0-0')
    }
  }

  async claim(entry: Delivery, dedupeKey: string): Promise<ClaimResult<string>> {
    const claimKey = this.keys.event(dedupeKey)
    const { workerName, claimIdleMs } = this.settings
    const claim = await this.answered(this.eventKeys.claim(claimKey))
    if (claim === 'mine') return { claim: claimKey }
    if (claim === 'done') return 'done'
    const { holder } = claim
    if (entry.message.inherited && !(await this.answered(this.leases.isLive(holder)))) {
      // Left by the partition's previous owner, which is gone: take its claim over at once (if nobody did), so
      // the event keeps its place in line.
      const swapped = await this.answered(
        withScripts(this.redis).qqbotFencedSet(claimKey, claimKey, holder, workerName, claimIdleMs),
      )
      if (swapped === 1) return { claim: claimKey }
    }
    // Another live worker is on it: the entry stays pending; if that worker dies, it comes back by XAUTOCLAIM.
    this.finish(entry)
    return 'elsewhere'
  }

  /** Resets the idle time of what this worker holds (XCLAIM JUSTID, per partition) and extends the claims. */
  async renew(held: Iterable<HeldDelivery<PartitionEntry, string>>): Promise<void> {
    this.roundStartedAt = Date.now()
    const entries = [...held]
    if (entries.length === 0) return
    const byStream = new Map<string, string[]>()
    for (const { delivery } of entries) {
      const ids = byStream.get(delivery.message.stream) ?? []
      ids.push(delivery.message.id)
      byStream.set(delivery.message.stream, ids)
    }
    const { workerName } = this.settings
    await this.answered(
      Promise.all(
        [...byStream].map(([stream, ids]) => this.redis.xclaim(stream, this.group, workerName, 0, ...ids, 'JUSTID')),
      ),
    )
    await this.answered(this.eventKeys.renew(entries.flatMap(({ claim }) => (claim === undefined ? [] : [claim]))))
  }

  /** Lag and pending summed over the partitions this worker holds. */
  async readState(): Promise<BrokerState> {
    const streams = [...this.held.values()].map((held) => held.stream)
    // On a Cluster, XINFO goes to the partitions' node (they share the bot's slot; open() checked it).
    const server = await this.answered(serverOf(this.redis, this.stream))
    const states = await this.answered(Promise.all(streams.map((stream) => readGroupState(server, stream, this.group))))
    const now = Date.now()
    const idle = this.settings.claimIdleMs
    const uptimeMs = Math.min(Number.POSITIVE_INFINITY, ...states.map((state) => state.uptimeMs))
    if (this.unanswered || now - this.roundStartedAt > this.settings.renewEveryMs || uptimeMs < idle) {
      // As in stream-broker.ts: after an outage nobody could renew, so take nothing over for one claimIdleMs.
      this.unanswered = false
      this.noReclaimUntil = now + idle
    }
    return {
      lag: states.reduce((sum, state) => sum + state.lag, 0),
      groupPending: states.reduce((sum, state) => sum + state.pending, 0),
    }
  }

  async complete(held: HeldDelivery<PartitionEntry, string>): Promise<void> {
    const { delivery, claim } = held
    try {
      await this.eventKeys.complete({ stream: delivery.message.stream, id: delivery.message.id, claim })
    } finally {
      this.finish(delivery)
    }
  }

  async discard(entry: Delivery): Promise<void> {
    try {
      await this.answered(this.redis.xack(entry.message.stream, this.group, entry.message.id))
    } finally {
      this.finish(entry)
    }
  }

  /** The entry stays pending here; it comes back by XAUTOCLAIM (or to the next owner of its partition). */
  giveBack(entry: Delivery): void {
    this.finish(entry)
  }

  async stopReading(): Promise<void> {
    this.held.stopReading()
  }

  /** Everything read is acknowledged: release the leases, so the others take the partitions at once. */
  async close(): Promise<void> {
    await this.leases.leave()
    this.reader?.disconnect()
  }

  private gain(partition: number): void {
    this.held.gain(partition, partitionStreamKey(this.stream, partition))
  }

  /** Stops reading `partition`; with `drain`, returns once what was read of it is finished (at most stopDrainMs). */
  private async lose(partition: number, drain: boolean): Promise<void> {
    const held = this.held.get(partition)
    if (!held) return
    held.reading = false
    if (drain) {
      // A read under way may still return entries of it: they are this worker's to finish too.
      await this.reading
      const deadline = Date.now() + this.settings.stopDrainMs
      while (held.outstanding.size > 0 && Date.now() < deadline) await sleep(20)
      if (held.outstanding.size > 0)
        this.runtime!.logger.warn(
          { partition, unfinished: held.outstanding.size },
          'handing a partition back before its events finished (stopDrainMs passed): they may run again on its next owner',
        )
    }
    this.held.release(held)
  }

  /** The next page of entries left pending in a partition just taken, before anything new is read from it. */
  private async inheritPending(): Promise<Delivery[]> {
    for (const held of [...this.held.values()]) {
      if (!held.inheriting || !held.reading) continue
      const [next, entries] = await this.autoclaim(held.stream, 0, held.inheritCursor, this.settings.batchSize)
      held.inheritCursor = next
      if (next === '0-0') held.inheriting = false
      if (entries.length > 0) return this.handAll(held.partition, held.stream, entries, true)
    }
    return []
  }

  private async autoclaim(
    stream: string,
    minIdleMs: number,
    cursor: string,
    count: number,
  ): Promise<[string, [string, StreamFields][]]> {
    return this.answered(
      autoclaimEntries(this.redis, stream, this.group, this.settings.workerName, { minIdleMs, cursor, count }),
    )
  }

  /** Deliveries for entries just taken over, with their delivery counts. */
  private async handAll(
    partition: number,
    stream: string,
    entries: [string, StreamFields][],
    inherited: boolean,
  ): Promise<Delivery[]> {
    const ids = entries.map(([id]) => id)
    const counts = await this.answered(
      deliveryCounts(this.redis, stream, this.group, this.settings.workerName, ids, this.runtime!.held()),
    )
    return entries.map(([id, fields]) => this.hand(partition, stream, id, fields, counts.get(id) ?? 2, inherited))
  }

  private hand(
    partition: number,
    stream: string,
    id: string,
    fields: StreamFields,
    attempt: number,
    inherited: boolean,
  ): Delivery {
    const delivery: Delivery = {
      // Entry ids repeat across streams: the partition makes them unique among what this worker holds.
      id: `${partition}/${id}`,
      attempt,
      decoded: decodeEvent(fields),
      message: { partition, stream, id, inherited },
    }
    this.held.track(partition, delivery.id)
    return delivery
  }

  private finish(delivery: Delivery): void {
    this.held.finish(delivery.message.partition, delivery.id)
  }

  private answered<T>(command: Promise<T>): Promise<T> {
    return command.catch((error: unknown) => {
      this.unanswered = true
      throw error
    })
  }
}
