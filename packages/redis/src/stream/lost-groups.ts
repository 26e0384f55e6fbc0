import { defineCounter, sleep, type BrokerRuntime } from '@qqbot/core/adapter'
import type { RedisConnection } from '../connection.js'
import { ensureGroup } from './stream-options.js'

export const STREAM_LOST = defineCounter(
  'broker_stream_lost',
  'Times the stream or its consumer group vanished from Redis (restarted without persistence, flushed): entries no worker had read yet were lost with it',
)

/**
 * The stream (or streams) or their consumer group vanished (Redis restarted without persistence, a FLUSH, a
 * deleted key): create the groups again from each stream's first entry, so what the ingress appended since is
 * read, not skipped. Entries no worker had read are lost with the old stream: that cannot be undone here, only
 * prevented by Redis' append-only file, so the log says so. Entries a worker holds are still handled (their ACK
 * finds no group and is dropped); those handled before are recognised by their done keys, if Redis still has them.
 */
export async function recreateLostGroups(
  redis: RedisConnection,
  streams: readonly string[],
  group: string,
  runtime: BrokerRuntime,
  logged: Record<string, unknown>,
): Promise<void> {
  const { logger, metrics, readingStopped } = runtime
  const what = streams.length > 1 ? 'streams' : 'stream'
  metrics.inc(STREAM_LOST)
  logger.warn(
    { ...logged, group },
    `the ${what} or the consumer group vanished from Redis (restarted without persistence, or flushed): entries no worker had read yet are lost with it; creating the group again from the first entry. Run Redis with appendonly yes (appendfsync everysec) so that a restart keeps the ${what}`,
  )
  try {
    for (const stream of streams) await ensureGroup(redis, stream, group, '0')
  } catch (error) {
    logger.error({ err: error }, 'could not create the consumer group again; retrying in 1 s')
    await sleep(1_000, readingStopped).catch(() => undefined)
  }
}
