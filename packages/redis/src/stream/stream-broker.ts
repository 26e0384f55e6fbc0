import { duplicateConnection, serverOf, type RedisConnection } from '../connection.js'
import {
  type BrokerDelivery,
  type BrokerRuntime,
  type BrokerState,
  type BrokerWorkerSettings,
  type ClaimResult,
  type HeldDelivery,
  type WorkerBroker,
} from '@qqbot/core/adapter'
import { RedisKeys } from '../keys.js'
import { EventKeys } from './event-claim.js'
import {
  autoclaimEntries,
  deliveryCounts,
  readGroupState,
  readNewEntries,
  type StreamReadReply,
} from './group-state.js'
import { recreateLostGroups } from './lost-groups.js'
import { decodeEvent, type StreamFields } from './stream-codec.js'
import { checkSameSlot, DEFAULT_GROUP, ensureGroup, streamKey, type StreamOptions } from './stream-options.js'

/** Where a worker reads: the stream of the ingress's namespace, as one consumer of the workers' group. */
export interface StreamBrokerOptions extends StreamOptions {
  redis: RedisConnection
  /** The same namespace as the ingress (default there: the AppID). */
  namespace: string
  prefix?: string
}

/** A stream entry as the engine holds it: the entry id is all Redis needs to renew or acknowledge it. */
type Delivery = BrokerDelivery<string>

/** Counted each time a worker finds the stream or its group gone (alert on it: unread entries were lost). */
export { STREAM_LOST } from './lost-groups.js'

/**
 * A Redis stream read as one consumer of a group (XREADGROUP), for the broker-worker engine. Entries of a
 * worker that died are taken over after `claimIdleMs` (XAUTOCLAIM); a live worker's are renewed with XCLAIM
 * JUSTID, which resets their idle time without counting a delivery. An event's claim and done mark is a key
 * (SET NX PX, then `done` in one atomic step with the XACK), written for many events at once (see event-claim.ts).
 */
export class RedisStreamBroker implements WorkerBroker<string, string> {
  readonly target = 'the stream'
  readonly stream: string
  private readonly group: string
  private readonly keys: RedisKeys
  private readonly redis: RedisConnection
  private readonly eventKeys: EventKeys
  private reader: RedisConnection | undefined
  private runtime: BrokerRuntime | undefined
  /** Redis failed a command: no worker could renew its entries meanwhile (see readState). */
  private unanswered = false
  private noReclaimUntil = 0
  private roundStartedAt = 0
  private lastLag = 0

  constructor(
    options: StreamBrokerOptions,
    private readonly settings: BrokerWorkerSettings,
  ) {
    this.stream = streamKey(options.namespace, options, options.prefix)
    this.group = options.group ?? DEFAULT_GROUP
    this.keys = new RedisKeys(options.namespace, options.prefix)
    this.redis = options.redis
    this.eventKeys = new EventKeys(this.redis, this.group, settings)
  }

  async open(runtime: BrokerRuntime): Promise<void> {
    this.runtime = runtime
    await ensureGroup(this.redis, this.stream, this.group)
    await checkSameSlot(this.redis, this.stream, this.keys.event('slot-check'))
    // Blocking reads get a connection of their own; acknowledgements use the shared one.
    this.reader = duplicateConnection(this.redis)
    runtime.logger.info({ stream: this.stream, group: this.group }, 'reading events from the stream')
  }

  async fetch(): Promise<Delivery[]> {
    let reply: StreamReadReply
    try {
      reply = await readNewEntries(this.reader!, [this.stream], this.group, this.settings.workerName, this.settings)
    } catch (error) {
      if (this.runtime!.readingStopped.aborted || !String((error as Error).message).includes('NOGROUP')) {
        this.unanswered = true
        throw error
      }
      await recreateLostGroups(this.redis, [this.stream], this.group, this.runtime!, {
        stream: this.stream,
        unreadAtLastCheck: this.lastLag,
      })
      return []
    }
    return (reply?.[0]?.[1] ?? []).map(([id, fields]) => delivery(id, fields, 1))
  }

  async *reclaim(): AsyncIterable<Delivery[]> {
    if (Date.now() < this.noReclaimUntil) return
    let cursor = '0-0'
    do {
      const [next, live] = await this.answered(
        autoclaimEntries(this.redis, this.stream, this.group, this.settings.workerName, {
          minIdleMs: this.settings.claimIdleMs,
          cursor,
          count: 100,
        }),
      )
      cursor = next
      if (live.length === 0) continue
      const ids = live.map(([id]) => id)
      const counts = await this.answered(
        deliveryCounts(this.redis, this.stream, this.group, this.settings.workerName, ids, this.runtime!.held()),
      )
      yield live.map(([id, fields]) => delivery(id, fields, counts.get(id) ?? 2))
    } while (cursor !== '0-0')
  }

  /** Takes the event's key (SET NX PX claimIdleMs); `elsewhere` while another worker holds it. */
  claim(entry: Delivery, dedupeKey: string): Promise<ClaimResult<string>> {
    const claimKey = this.keys.event(dedupeKey)
    return this.answered(this.eventKeys.claim(claimKey)).then((claim) => {
      if (claim === 'mine') return { claim: claimKey }
      // Another worker is on it: leave the entry pending; if that worker dies, it comes back by XAUTOCLAIM.
      return claim === 'done' ? 'done' : 'elsewhere'
    })
  }

  /**
   * Tells the group this worker is alive and still on its entries: resets their idle time (XCLAIM to itself,
   * JUSTID, which does not count as a delivery) and extends their claim keys, so no other worker takes over
   * an event that is only queued here or slow to handle.
   */
  async renew(held: Iterable<HeldDelivery<string, string>>): Promise<void> {
    this.roundStartedAt = Date.now()
    const entries = [...held]
    if (entries.length === 0) return
    const { workerName } = this.settings
    await this.answered(
      this.redis.xclaim(
        this.stream,
        this.group,
        workerName,
        0,
        ...entries.map(({ delivery }) => delivery.message),
        'JUSTID',
      ),
    )
    await this.answered(this.eventKeys.renew(entries.flatMap(({ claim }) => (claim === undefined ? [] : [claim]))))
  }

  async readState(): Promise<BrokerState> {
    // Read where the stream is: on a Cluster, its node (its uptime is the one that matters).
    const server = await this.answered(serverOf(this.redis, this.stream))
    const state = await this.answered(readGroupState(server, this.stream, this.group))
    const now = Date.now()
    const idle = this.settings.claimIdleMs
    if (this.unanswered || now - this.roundStartedAt > this.settings.renewEveryMs || state.uptimeMs < idle) {
      // Redis failed, answered only after a long while (commands waited while it was unreachable), or
      // restarted a moment ago: no worker could renew its entries meanwhile, and an entry's idle time runs
      // on while Redis is down, so every live worker's entries look abandoned now. Take none over for one
      // claimIdleMs: the others renew theirs first, and only a dead worker's are left.
      this.unanswered = false
      this.noReclaimUntil = now + idle
    }
    this.lastLag = state.lag
    return { lag: state.lag, groupPending: state.pending }
  }

  /** Marks the event done and acknowledges its entry, in one atomic step (batched with others finished meanwhile). */
  complete({ delivery, claim }: HeldDelivery<string, string>): Promise<void> {
    return this.eventKeys.complete({ stream: this.stream, id: delivery.message, claim })
  }

  async discard(entry: Delivery): Promise<void> {
    await this.answered(this.redis.xack(this.stream, this.group, entry.message))
  }

  /** Nothing to do: the entry stays pending and comes back by XAUTOCLAIM after claimIdleMs. */
  giveBack(): void {}

  async close(): Promise<void> {
    this.reader?.disconnect()
  }

  /** Remembers that Redis failed to answer, for the next readState. */
  private answered<T>(command: Promise<T>): Promise<T> {
    return command.catch((error: unknown) => {
      this.unanswered = true
      throw error
    })
  }
}

function delivery(id: string, fields: StreamFields, attempt: number): Delivery {
  return { id, attempt, decoded: decodeEvent(fields), message: id }
}
