import { DEFAULT_PARTITIONS, PresenceHeartbeat, StreamLayoutMismatchError } from '@qqbot/core/adapter'
import type { Logger } from 'pino'
import { serverOf, type RedisConnection } from '../connection.js'
import { RedisUnavailableError } from '../errors.js'
import { RedisKeys } from '../keys.js'
import { withScripts } from '../scripts.js'
import { partitionStreamKey } from './stream-options.js'

/** Activity this recent (an append, a read, a lease heartbeat) counts as a process of the other layout running. */
export const LAYOUT_LIVE_WINDOW_MS = 60_000

export interface StreamLayout {
  redis: RedisConnection
  /** The base stream key (partitions are `<stream>:<n>`). */
  stream: string
  group: string
  /** The bot's namespace and key prefix, where partitioned workers keep their leases. */
  namespace: string
  prefix?: string
  /** 0: one shared stream. */
  partitions: number
  role: 'ingress' | 'worker'
  logger?: Logger
  liveWindowMs?: number
}

/**
 * Refuses to start a process whose partition layout differs from the one the bot's other processes use now:
 * an ingress appending to `<stream>` while the workers read `<stream>:<n>` (or the reverse) loses nothing, but
 * nobody would ever read what it appends. Since partitions are on by default, this is what an upgrade that
 * leaves an old process running looks like. The evidence is a running ingress of the other layout (see
 * {@link ingressPresence}) or activity within {@link LAYOUT_LIVE_WINDOW_MS}, read in Redis' clock; a partitioned worker also warns about events left unread in the unpartitioned stream.
 */
export async function checkStreamLayout(layout: StreamLayout): Promise<void> {
  try {
    await compareLayouts(layout)
  } catch (error) {
    const { redis } = layout
    if (redis.status !== 'ready' || (error as Error).name === 'MaxRetriesPerRequestError')
      throw new RedisUnavailableError(
        `checking the partition layout of ${layout.stream} failed (${(error as Error).message}; connection ${redis.status})`,
        { cause: error },
      )
    throw error
  }
}

/**
 * Lists a running ingress under its layout (a sorted set of ingress → when its entry lapses, in Redis' clock), so
 * that a process of the other layout started before this ingress appends anything is refused all the same.
 * Refreshed every third of the live window, removed at a clean stop, lapsing on its own after a crash.
 */
export function ingressPresence(layout: StreamLayout, ingressId: string): PresenceHeartbeat {
  const key = ingressesKey(layout, layout.partitions > 0)
  const windowMs = layout.liveWindowMs ?? LAYOUT_LIVE_WINDOW_MS
  const redis = withScripts(layout.redis)
  return new PresenceHeartbeat(
    {
      beat: async () => {
        await redis.qqbotHeartbeat(key, ingressId, windowMs)
      },
      withdraw: async () => {
        await redis.zrem(key, ingressId)
      },
    },
    Math.floor(windowMs / 3),
    (error) =>
      layout.logger?.warn({ err: error, key }, 'could not refresh this ingress in the list of running ingresses'),
  )
}

/** The sorted set of the running ingresses of one layout. */
function ingressesKey(layout: StreamLayout, partitioned: boolean): string {
  return (
    new RedisKeys(`${layout.namespace}:ingresses`, layout.prefix).members() + (partitioned ? ':partitioned' : ':shared')
  )
}

async function compareLayouts(layout: StreamLayout): Promise<void> {
  const clock: ActivityWindow = {
    now: await redisNow(layout.redis),
    windowMs: layout.liveWindowMs ?? LAYOUT_LIVE_WINDOW_MS,
  }
  const ingresses = await layout.redis.zcount(ingressesKey(layout, layout.partitions === 0), clock.now, '+inf')
  const conflict =
    ingresses > 0
      ? `${ingresses} ingress process(es) ${layout.partitions === 0 ? 'with' : 'without'} partitions are running`
      : layout.partitions > 0
        ? await unpartitionedActivity(layout, clock)
        : await partitionedActivity(layout, clock)
  if (conflict) throw new StreamLayoutMismatchError(layout.role, layout.partitions, conflict)
  if (layout.partitions > 0 && layout.role === 'worker') await warnAboutStrandedEvents(layout)
}

/** Now, in Redis' clock, and how far back activity counts as live. */
interface ActivityWindow {
  now: number
  windowMs: number
}

async function unpartitionedActivity(layout: StreamLayout, clock: ActivityWindow): Promise<string | undefined> {
  const { redis, stream, group, role } = layout
  if (role === 'worker') {
    const appended = await lastEntryTime(redis, stream)
    if (appended !== undefined && clock.now - appended <= clock.windowMs)
      return `an ingress without partitions appended to ${stream} ${secondsAgo(appended, clock)} ago`
    return undefined
  }
  const readers = await liveConsumers(redis, stream, group, clock.windowMs)
  if (readers > 0) return `${readers} worker(s) without partitions read ${stream} (group ${group})`
  return undefined
}

async function partitionedActivity(layout: StreamLayout, clock: ActivityWindow): Promise<string | undefined> {
  const { redis, stream, role } = layout
  const leaseKeys = new RedisKeys(`${layout.namespace}:partitions`, layout.prefix)
  if (role === 'ingress') {
    // A member's score is when its lease lapses (Redis' clock): live members score after now.
    const live = await redis.zcount(leaseKeys.members(), clock.now, '+inf')
    if (live > 0) return `${live} worker(s) with partitions hold leases of ${stream}:<n>`
    return undefined
  }
  const count = Number(await redis.get(leaseKeys.shardCount())) || DEFAULT_PARTITIONS
  const times = await Promise.all(
    Array.from({ length: count }, (_, partition) => lastEntryTime(redis, partitionStreamKey(stream, partition))),
  )
  const latest = Math.max(...times.map((time) => time ?? -Infinity))
  if (clock.now - latest <= clock.windowMs)
    return `an ingress with partitions appended to ${stream}:<n> ${secondsAgo(latest, clock)} ago`
  return undefined
}

async function warnAboutStrandedEvents(layout: StreamLayout): Promise<void> {
  const unread = await groupLag(layout.redis, layout.stream, layout.group)
  if (!unread) return
  layout.logger?.warn(
    { stream: layout.stream, group: layout.group, unread },
    `${unread} event(s) in ${layout.stream} were appended without partitions and no worker read them; this worker reads partitions only. To answer them, run one worker with partitions: false until the stream is drained (docs/scaling.md, "Upgrading to partitions")`,
  )
}

async function redisNow(redis: RedisConnection): Promise<number> {
  const [seconds, micros] = await redis.time()
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
}

/** The time of the stream's last entry (its id's first part), undefined when the stream is empty or absent. */
async function lastEntryTime(redis: RedisConnection, stream: string): Promise<number | undefined> {
  const [last] = await redis.xrevrange(stream, '+', '-', 'COUNT', 1)
  return last ? Number(last[0].split('-')[0]) : undefined
}

/** Consumers of the group that read within the window (0 when the stream or the group does not exist). */
async function liveConsumers(redis: RedisConnection, stream: string, group: string, windowMs: number): Promise<number> {
  let consumers: unknown[]
  try {
    consumers = (await (await serverOf(redis, stream)).xinfo('CONSUMERS', stream, group)) as unknown[]
  } catch {
    return 0
  }
  return consumers.filter((consumer) => idleOf(consumer) <= windowMs).length
}

/** Entries of the stream the group has not read yet; 0 when unknown. */
async function groupLag(redis: RedisConnection, stream: string, group: string): Promise<number> {
  let groups: unknown[]
  try {
    groups = (await (await serverOf(redis, stream)).xinfo('GROUPS', stream)) as unknown[]
  } catch {
    return 0
  }
  for (const entry of groups) {
    const fields = fieldsOf(entry)
    if (fields.get('name') === group) return Number(fields.get('lag')) || 0
  }
  return 0
}

function idleOf(consumer: unknown): number {
  const fields = fieldsOf(consumer)
  return Number(fields.get('inactive') ?? fields.get('idle') ?? Infinity)
}

function fieldsOf(reply: unknown): Map<string, unknown> {
  const fields = new Map<string, unknown>()
  if (!Array.isArray(reply)) return fields
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1])
  return fields
}

function secondsAgo(time: number, clock: ActivityWindow): string {
  return `${Math.max(0, Math.round((clock.now - time) / 1000))} s`
}
