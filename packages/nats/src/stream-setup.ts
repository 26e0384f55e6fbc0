import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  jetstreamManager,
} from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { JetStreamSetupError } from './errors.js'
import type { JetStreamNames } from './names.js'

/** How long the stream keeps events and how it recognises a publish repeated by an ingress. */
export interface RetentionOptions {
  /**
   * Most events kept; beyond it the oldest are dropped even if no worker read them, so size it for the
   * longest worker outage to ride out. Default 100,000. Handled events leave the stream at once (work queue).
   */
  maxMessages?: number
  /** Events older than this are dropped unread. Default 24 h (the reply windows close long before). */
  maxAgeMs?: number
  /** A second publish of the same event within this window is discarded by JetStream. Default 2 min. */
  duplicateWindowMs?: number
}

const NS_PER_MS = 1_000_000

/** Creates the stream (work-queue retention) unless it exists; an existing one is used as it is. */
export async function ensureStream(
  nc: NatsConnection,
  names: JetStreamNames,
  retention: RetentionOptions = {},
): Promise<void> {
  try {
    const jsm = await jetstreamManager(nc)
    try {
      await jsm.streams.info(names.stream)
      return
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error
    }
    await jsm.streams.add({
      name: names.stream,
      subjects: [names.subject],
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.Old,
      max_msgs: retention.maxMessages ?? 100_000,
      max_age: (retention.maxAgeMs ?? 24 * 60 * 60 * 1000) * NS_PER_MS,
      duplicate_window: (retention.duplicateWindowMs ?? 2 * 60 * 1000) * NS_PER_MS,
    })
  } catch (error) {
    // Two processes creating it at once: the second finds it there.
    if (isApiError(error, STREAM_NAME_IN_USE) && (await streamExists(nc, names.stream))) return
    throw new JetStreamSetupError(`${names.stream} (${(error as Error).message})`, { cause: error })
  }
}

/** Creates the workers' durable pull consumer unless it exists. `ackWaitMs` is how long a silent worker keeps a message. */
export async function ensureConsumer(nc: NatsConnection, names: JetStreamNames, ackWaitMs: number): Promise<void> {
  try {
    const jsm = await jetstreamManager(nc)
    try {
      const info = await jsm.consumers.info(names.stream, names.consumer)
      // Started with another claimIdleMs than the consumer was created with: the consumer follows, or messages
      // would be redelivered to other workers while their handlers still run (or wait too long after a crash).
      if (info.config.ack_wait !== ackWaitMs * NS_PER_MS)
        await jsm.consumers.update(names.stream, names.consumer, { ack_wait: ackWaitMs * NS_PER_MS })
      return
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error
    }
    await jsm.consumers.add(names.stream, {
      durable_name: names.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ackWaitMs * NS_PER_MS,
      max_ack_pending: 10_000,
    })
  } catch (error) {
    throw new JetStreamSetupError(`the consumer ${names.consumer} of ${names.stream} (${(error as Error).message})`, {
      cause: error,
    })
  }
}

const STREAM_NAME_IN_USE = 10058

async function streamExists(nc: NatsConnection, stream: string): Promise<boolean> {
  try {
    await (await jetstreamManager(nc)).streams.info(stream)
    return true
  } catch {
    return false
  }
}

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code
}
