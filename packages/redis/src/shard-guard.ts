import type { RedisConnection } from './connection.js'
import type { Logger } from '@qqbot/core'
import { FencedSink, type ShardGuard } from '@qqbot/core/adapter'
import type { LeaseKeeper, ShardRun } from './lease-keeper.js'
import { FencedSessionStore } from './redis-session-store.js'

export interface RunGuardOptions {
  redis: RedisConnection
  namespace: string
  prefix: string | undefined
  logger: Logger
}

/**
 * Fences one run of a shard by the lease taken for it: if the shard is lost and taken again, late writes and
 * events of this run are refused even though the shard number is ours again.
 */
export function guardRun(keeper: LeaseKeeper, run: ShardRun, options: RunGuardOptions): ShardGuard {
  const { shardId } = run
  const current = () => keeper.current(run)
  const sessions = new FencedSessionStore(
    options.redis,
    options.namespace,
    options.prefix,
    shardId,
    () => (current() ? keeper.leaseValue(run) : ''),
    () => {
      // Our lease is not in Redis as we hold it: find out at once whether it moved or Redis lost it (and then
      // re-assert it and write the session again), instead of waiting for the next renewal.
      if (current()) void keeper.confirm(run)
      else options.logger.debug({ shard: shardId }, 'refused a session write: this run of the shard is over')
    },
  )
  run.sessions = sessions
  return {
    admit: async () => current() && (await keeper.confirm(run)) !== 'lost',
    sessions,
    sink: (inner) =>
      new FencedSink(
        inner,
        {
          isValid: () => run.draining || (current() && (run.unfenced || Date.now() < run.validUntil)),
          confirm: () => keeper.confirm(run),
        },
        // The keeper stopped the shard when it found it lost; nothing more to do here.
        () => undefined,
      ),
  }
}
