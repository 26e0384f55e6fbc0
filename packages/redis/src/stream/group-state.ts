import type { RedisConnection } from '../connection.js'
import type { StreamFields } from './stream-codec.js'

/** What a worker reads about its consumer group each round. */
export interface GroupState {
  /** Entries read by some worker and not acknowledged yet. */
  pending: number
  /** Entries no worker of the group has read yet (XINFO GROUPS `lag`, Redis 7; 0 when unknown). */
  lag: number
  /** How long Redis has been running: an entry's idle time runs on while Redis is down. */
  uptimeMs: number
}

/** One round trip: XINFO GROUPS and INFO server. Throws when the stream or group is missing. */
export async function readGroupState(redis: RedisConnection, stream: string, group: string): Promise<GroupState> {
  const replies = (await redis.pipeline().xinfo('GROUPS', stream).info('server').exec()) ?? []
  for (const [error] of replies) if (error) throw error
  const state: GroupState = { pending: 0, lag: 0, uptimeMs: Number.POSITIVE_INFINITY }
  for (const fields of replies[0]![1] as unknown[][]) {
    const info = new Map<string, unknown>()
    for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1])
    if (info.get('name') !== group) continue
    state.pending = Number(info.get('pending') ?? 0)
    const lag = Number(info.get('lag'))
    state.lag = Number.isFinite(lag) ? lag : 0
  }
  const uptime = /uptime_in_seconds:(\d+)/.exec(String(replies[1]![1]))
  if (uptime) state.uptimeMs = Number(uptime[1]) * 1_000
  return state
}

/**
 * How often each of `ids` (entries `consumer` just took over, in stream order) has been delivered, counting
 * this time: XPENDING's delivery counter, which XAUTOCLAIM raises and a renewal (XCLAIM JUSTID) does not.
 * `alsoHeld` widens the range for other entries of the consumer that fall between them.
 */
export async function deliveryCounts(
  redis: RedisConnection,
  stream: string,
  group: string,
  consumer: string,
  ids: string[],
  alsoHeld: number,
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map()
  const rows = (await redis.xpending(
    stream,
    group,
    ids[0]!,
    ids[ids.length - 1]!,
    ids.length + alsoHeld,
    consumer,
  )) as [string, string, number, number][]
  return new Map(rows.map(([id, , , count]) => [id, Number(count)]))
}

/**
 * One page of XAUTOCLAIM: entries of `stream` idle for `minIdleMs` or more, from `cursor`, taken for `consumer`.
 * Returns the next cursor (`0-0` at the end) and the entries that still exist (trimmed ones come back as null).
 */
export async function autoclaimEntries(
  redis: RedisConnection,
  stream: string,
  group: string,
  consumer: string,
  page: { minIdleMs: number; cursor: string; count: number },
): Promise<[next: string, entries: [string, StreamFields][]]> {
  const [next, entries] = (await redis.xautoclaim(
    stream,
    group,
    consumer,
    page.minIdleMs,
    page.cursor,
    'COUNT',
    page.count,
  )) as [string, ([string, StreamFields] | null)[]]
  return [next, entries.filter((entry): entry is [string, StreamFields] => entry !== null)]
}

/** What XREADGROUP answers: per stream, its entries. Null when the block ended with nothing. */
export type StreamReadReply = [stream: string, entries: [string, StreamFields][]][] | null

/**
 * One blocking XREADGROUP of the entries no consumer of the group has read yet, from each of `streams`, for
 * `consumer`: at most `count` per stream, waiting up to `blockMs` for some.
 */
export async function readNewEntries(
  reader: RedisConnection,
  streams: readonly string[],
  group: string,
  consumer: string,
  settings: { batchSize: number; blockMs: number },
): Promise<StreamReadReply> {
  return (await reader.xreadgroup(
    'GROUP',
    group,
    consumer,
    'COUNT',
    settings.batchSize,
    'BLOCK',
    settings.blockMs,
    'STREAMS',
    ...streams,
    ...streams.map(() => '>'),
  )) as StreamReadReply
}
