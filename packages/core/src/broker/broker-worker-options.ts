import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'

/** How a worker reads from its broker; every broker adapter's source options extend these. */
export interface BrokerWorkerOptions {
  /** This worker's name in the group, in claims and in logs. Default `<hostname>:<pid>:<random>`. */
  workerName?: string
  /** Messages asked for per read. Default 64. */
  batchSize?: number
  /** How long one read waits for new messages. Default 1 s (also how long stop() may wait for it). */
  blockMs?: number
  /**
   * A message whose worker stopped answering for this long is taken over by another worker. A live worker
   * renews what it holds (queued or being handled) every third of this, however long its handlers take, so
   * only a dead, paused or cut-off worker loses its messages. Default 30 s.
   */
  claimIdleMs?: number
  /** How long a handled event's key is remembered, so a later copy is skipped. Default 24 h. */
  dedupeTtlMs?: number
  /** How long stop() keeps renewing the messages still being handled before it lets them go. Default 30 s. */
  stopDrainMs?: number
}

/** {@link BrokerWorkerOptions} with every default filled in, shared by the engine and its broker. */
export interface BrokerWorkerSettings extends Required<BrokerWorkerOptions> {
  /** How often held messages are renewed (and abandoned ones looked for): a third of `claimIdleMs`, at least 100 ms. */
  renewEveryMs: number
}

export function resolveBrokerWorkerOptions(options: BrokerWorkerOptions): BrokerWorkerSettings {
  const claimIdleMs = options.claimIdleMs ?? 30_000
  return {
    workerName: options.workerName ?? uniqueProcessName(),
    batchSize: options.batchSize ?? 64,
    blockMs: options.blockMs ?? 1_000,
    claimIdleMs,
    dedupeTtlMs: options.dedupeTtlMs ?? 24 * 60 * 60 * 1000,
    stopDrainMs: options.stopDrainMs ?? 30_000,
    renewEveryMs: Math.max(100, Math.floor(claimIdleMs / 3)),
  }
}

/** `<hostname>:<pid>:<random>`: names this process among the members of a group (workers, shard owners). */
export function uniqueProcessName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
}
