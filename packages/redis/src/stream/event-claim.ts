import type { RedisConnection } from '../connection.js'
import { DONE_MARK, type BrokerWorkerSettings } from '@qqbot/core/adapter'
import { withScripts, type ScriptedRedis } from '../scripts.js'
import { CommandBatch } from './command-batch.js'

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
 * A worker's writes of event keys, gathered into one script call per batch (see {@link CommandBatch}): the
 * claims of the events just read, and the done marks with the acknowledgements of the events just handled.
 * A key holds the worker's name while the event is handled, then `done`, written in the same atomic step as
 * the entry's XACK, so an entry is never acknowledged without its done mark.
 */
export class EventKeys {
  private readonly claims: CommandBatch<string, string>
  private readonly completions: CommandBatch<FinishedEntry, void>
  private readonly scripted: ScriptedRedis

  constructor(
    redis: RedisConnection,
    group: string,
    private readonly settings: Pick<BrokerWorkerSettings, 'workerName' | 'claimIdleMs' | 'dedupeTtlMs'>,
  ) {
    const scripted = (this.scripted = withScripts(redis))
    this.claims = new CommandBatch((keys) =>
      scripted.qqbotClaimEvents(keys.length, ...keys, settings.workerName, settings.claimIdleMs),
    )
    this.completions = new CommandBatch<FinishedEntry, void>(async (finished) => {
      await scripted.qqbotCompleteEvents(...completeArguments(finished, group, settings.dedupeTtlMs))
      return finished.map(() => undefined)
    })
  }

  /** Claims the event's key for this worker (SET NX PX claimIdleMs); while another worker holds it, says who. */
  async claim(claimKey: string): Promise<EventClaim> {
    const holder = await this.claims.add(claimKey)
    if (holder === this.settings.workerName) return 'mine'
    return holder === DONE_MARK ? 'done' : { holder }
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
    return this.completions.add(entry)
  }
}

/** qqbotCompleteEvents' keys and arguments: the streams, the claim keys, then each stream's entry ids. */
function completeArguments(finished: FinishedEntry[], group: string, ttlMs: number): [number, ...(string | number)[]] {
  const idsByStream = new Map<string, string[]>()
  for (const { stream, id } of finished) {
    const ids = idsByStream.get(stream)
    if (ids) ids.push(id)
    else idsByStream.set(stream, [id])
  }
  const claims = finished.flatMap(({ claim }) => (claim === undefined ? [] : [claim]))
  const perStream = [...idsByStream.values()].flatMap((ids) => [ids.length, ...ids])
  return [
    idsByStream.size + claims.length,
    ...idsByStream.keys(),
    ...claims,
    group,
    DONE_MARK,
    ttlMs,
    idsByStream.size,
    ...perStream,
  ]
}
