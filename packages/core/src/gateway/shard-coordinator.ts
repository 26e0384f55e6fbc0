import type { EventSink, SourceRuntime } from '../pipeline/event-envelope.js'
import type { SessionStore } from '../session/session-store.js'
import type { ShardStopOptions } from './shard-types.js'

/**
 * Decides which of the bot's shards this process runs. Without one, a process runs every shard it is
 * configured with. A shared coordinator (`@qqbot/redis`) lets several processes split the shards, take
 * over the shards of a process that died, and hand shards to a process that joins.
 */
export interface ShardCoordinator {
  /**
   * Joins the group that runs `shardCount` shards. From now on the coordinator calls `control.start()` and
   * `control.stop()` as this process gains and loses shards. Resolves once this process runs its first share
   * (which may be none, when others hold every shard).
   */
  join(shardCount: number, control: ShardControl): Promise<void>
  /** Leaves the group, after the gateway has stopped every shard of this process (their sessions are saved). */
  leave(): Promise<void>
}

/** What a coordinator may do with the gateway of its process. */
export interface ShardControl {
  /** The client's logger and metrics, to report through. */
  readonly runtime: SourceRuntime
  /** Starts running `shardId` under `guard`; resolves when it is READY or RESUMED. */
  start(shardId: number, guard: ShardGuard): Promise<void>
  /** Stops running `shardId` here; `handoff` keeps the platform session alive for the next owner to RESUME. */
  stop(shardId: number, options?: ShardStopOptions): Promise<void>
  /** The shards running in this process now. */
  running(): number[]
}

/** How a coordinator keeps a shard it granted from running anywhere else. */
export interface ShardGuard {
  /** Where the shard's session is kept (writes may be fenced: refused once ownership moved). */
  sessions?: SessionStore
  /** Asked before every (re)connect; false stops the shard here without touching its session. */
  admit(): Promise<boolean>
  /** Wraps the sink the shard pushes events into (a fence may hold events until ownership is confirmed). */
  sink?(inner: EventSink): EventSink
}
