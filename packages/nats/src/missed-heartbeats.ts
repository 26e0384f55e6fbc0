import { JetStreamError } from '@nats-io/jetstream'
import { defineCounter, type BrokerRuntime } from '@qqbot/core/adapter'

export const PULLS_MISSED_HEARTBEATS = defineCounter(
  'broker_pulls_missed_heartbeats',
  'JetStream pulls the client ended because two of their heartbeats did not arrive',
)

/** The client's own failure of a pull whose heartbeats stopped coming (it has no code for it, only this text). */
export function missedHeartbeats(error: unknown): boolean {
  return error instanceof JetStreamError && error.message === 'heartbeats missed'
}

/**
 * Counts a pull the client ended for missed heartbeats. Under load nats-server 2.9 sometimes lets a partly
 * filled pull expire without the status that says so, and the client learns it only from the heartbeats that
 * stop: a few times per benchmark run, and in the pulls traced, messages came until shortly before the expiry
 * and nothing after. So it is the end of a pull, not a failed read: counted and logged at debug, and the caller
 * pulls again at once.
 * (A stalled connection ends a pull the same way; then what the server had sent it comes back as `whatNext` says.)
 */
export function countMissedHeartbeats(
  runtime: BrokerRuntime,
  whatNext: string,
  details: Record<string, unknown> = {},
): void {
  runtime.metrics.inc(PULLS_MISSED_HEARTBEATS)
  runtime.logger.debug(details, `a JetStream pull ended without its end (two heartbeats missed); ${whatNext}`)
}
