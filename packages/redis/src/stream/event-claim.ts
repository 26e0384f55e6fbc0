import type { RedisConnection } from '../connection.js'
import { DONE_MARK } from '@qqbot/core/adapter'

/** Who has an event's key: this worker now, nobody any more (handled), or another worker (null: it just lapsed). */
export type EventClaim = 'mine' | 'done' | { holder: string | null }

/**
 * Claims an event's key for `worker` (SET NX PX ttlMs); while another worker holds it, says who. The key holds
 * the worker's name while the event is handled, then `done` (written with the acknowledgement).
 */
export async function claimEventKey(
  redis: RedisConnection,
  claimKey: string,
  worker: string,
  ttlMs: number,
): Promise<EventClaim> {
  if ((await redis.set(claimKey, worker, 'PX', ttlMs, 'NX')) === 'OK') return 'mine'
  const holder = await redis.get(claimKey)
  if (holder === DONE_MARK) return 'done'
  return holder === worker ? 'mine' : { holder }
}
