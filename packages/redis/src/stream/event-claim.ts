import type { RedisConnection } from '../connection.js'
import { DONE_MARK, type BrokerWorkerSettings } from '@qqbot/core/adapter'
import { withScripts, type ScriptedRedis } from '../scripts.js'

/** Claims renewed per script call: a round of a worker holding thousands of events blocks Redis only briefly. */
const RENEW_PAGE = 500

/** Who has an event's key: this worker now, nobody any more (handled), or another worker. */
export type EventClaim = 'mine' | 'done' | { holder: string }

/** An event handled by this worker: its entry, and its claim key when it has one. */
export interface FinishedEntry {
  stream: string
  id: string
  claim: string | undefined
}

/**
 * How long a done mark waits for company before it goes out: the claims of the worker's next read (sent in the
 * same turn) or other done marks. Saves a round trip, and the wake-up of its answer, per handled event at
 * a trickle; the entry stays pending (and its claim held) a moment longer, which nobody sees.
 */
export const COMPLETE_WAIT_MS = 5

/** Done marks per script call: its XACK takes the ids as arguments (Lua's unpack has a limit). */
const COMPLETE_PAGE = 256

interface Queued<T, R> {
  item: T
  resolve: (result: R) => void
  reject: (error: unknown) => void
}

/**
 * A worker's writes of event keys, gathered into few round trips: the claims of the events just read go out
 * together once the read's events asked for them (on setImmediate), with the done marks and acknowledgements
 * of the events handled meanwhile in the same turn; done marks alone wait up to {@link COMPLETE_WAIT_MS}
 * for company. A key holds the worker's name while the event is handled, then `done`, written in the same
 * atomic step as the entry's XACK, so an entry is never acknowledged without its done mark.
 */
export class EventKeys {
  private claims: Queued<string, string>[] = []
  private completions: Queued<FinishedEntry, void>[] = []
  private flushScheduled = false
  private completionTimer: ReturnType<typeof setTimeout> | undefined
  private readonly scripted: ScriptedRedis & RedisConnection

  constructor(
    redis: RedisConnection,
    private readonly group: string,
    private readonly settings: Pick<BrokerWorkerSettings, 'workerName' | 'claimIdleMs' | 'dedupeTtlMs'>,
  ) {
    this.scripted = withScripts(redis)
  }

  /** Claims the event's key for this worker (SET NX PX claimIdleMs); while another worker holds it, says who. */
  claim(claimKey: string): Promise<EventClaim> {
    const { workerName } = this.settings
    return new Promise<string>((resolve, reject) => {
      this.claims.push({ item: claimKey, resolve, reject })
      if (this.flushScheduled) return
      this.flushScheduled = true
      setImmediate(this.flush)
    }).then((holder) => (holder === workerName ? 'mine' : holder === DONE_MARK ? 'done' : { holder }))
  }

  /** Extends the claims this worker holds, in pages of a script call each. */
  async renew(claims: string[]): Promise<void> {
    const { workerName, claimIdleMs } = this.settings
    for (let at = 0; at < claims.length; at += RENEW_PAGE) {
      const page = claims.slice(at, at + RENEW_PAGE)
      await this.scripted.qqbotRenewEvents(page.length, ...page, workerName, claimIdleMs)
    }
  }

  /** Marks the event done (when it has a claim) and acknowledges its entry. */
  complete(entry: FinishedEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.completions.push({ item: entry, resolve, reject })
      if (this.flushScheduled || this.completionTimer) return
      this.completionTimer = setTimeout(this.flush, COMPLETE_WAIT_MS)
    })
  }

  /** Sends what is queued: the claims, and a page of done marks. */
  private readonly flush = (): void => {
    this.flushScheduled = false
    clearTimeout(this.completionTimer)
    this.completionTimer = undefined
    const claims = this.claims
    this.claims = []
    const completions = this.completions.splice(0, COMPLETE_PAGE)
    if (this.completions.length > 0) {
      this.flushScheduled = true
      setImmediate(this.flush)
    }
    const { workerName, claimIdleMs, dedupeTtlMs } = this.settings
    // Both calls in the same turn: written back to back (in one write with auto-pipelining), answered together.
    if (claims.length > 0) {
      const keys = claims.map(({ item }) => item)
      this.scripted.qqbotClaimEvents(keys.length, ...keys, workerName, claimIdleMs).then(
        (holders) => claims.forEach(({ resolve }, i) => resolve(holders[i]!)),
        (error: unknown) => claims.forEach(({ reject }) => reject(error)),
      )
    }
    if (completions.length > 0) {
      const finished = completions.map(({ item }) => item)
      this.scripted.qqbotCompleteEvents(...completeArguments(finished, this.group, dedupeTtlMs)).then(
        () => completions.forEach(({ resolve }) => resolve()),
        (error: unknown) => completions.forEach(({ reject }) => reject(error)),
      )
    }
  }
}

/** qqbotCompleteEvents' keys and arguments: the streams, the claim keys, then each stream's entry ids. */
function completeArguments(finished: FinishedEntry[], group: string, ttlMs: number): [number, ...(string | number)[]] {
  const idsByStream = new Map<string, string[]>()
  const claims: string[] = []
  for (const { stream, id, claim } of finished) {
    const ids = idsByStream.get(stream)
    if (ids) ids.push(id)
    else idsByStream.set(stream, [id])
    if (claim !== undefined) claims.push(claim)
  }
  // Pushed one by one rather than spread: a page holds hundreds of ids.
  const keysAndArgs: (string | number)[] = [...idsByStream.keys()]
  for (const claim of claims) keysAndArgs.push(claim)
  keysAndArgs.push(group, DONE_MARK, ttlMs, idsByStream.size)
  for (const ids of idsByStream.values()) {
    keysAndArgs.push(ids.length)
    for (const id of ids) keysAndArgs.push(id)
  }
  return [idsByStream.size + claims.length, ...keysAndArgs]
}
