import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream'
import { Kvm, type KV } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { PresenceHeartbeat, StreamLayoutMismatchError } from '@qqbot/core/adapter'
import type { Logger } from 'pino'
import type { JetStreamNames } from '../names.js'
import { partitionedNames } from './partition-names.js'

/** Activity this recent (a publish, a waiting pull, a lease heartbeat) counts as a process of the other layout. */
export const LAYOUT_LIVE_WINDOW_MS = 60_000

export interface JetStreamLayout {
  nats: NatsConnection
  /** The unpartitioned names; the partitioned ones derive from them. */
  names: JetStreamNames
  /** 0: the one shared subject and consumer. */
  partitions: number
  role: 'ingress' | 'worker'
  logger?: Logger
  liveWindowMs?: number
}

/**
 * The NATS counterpart of the Redis layout check: refuses to start beside a live process of the other partition
 * layout (the shared stream `QQBOT_<ns>` against `QQBOT_<ns>_PARTITIONED`), where events would wait unread.
 * Evidence: a publish to the other layout's stream, pulls waiting on the shared consumer, or partition-lease
 * heartbeats, within {@link LAYOUT_LIVE_WINDOW_MS}.
 */
export async function checkJetStreamLayout(layout: JetStreamLayout): Promise<void> {
  const jsm = await jetstreamManager(layout.nats)
  const windowMs = layout.liveWindowMs ?? LAYOUT_LIVE_WINDOW_MS
  const shared = layout.names
  const partitioned = partitionedNames(shared)
  let conflict: string | undefined
  const ingresses = await runningIngresses(layout, jsm, layout.partitions === 0)
  if (ingresses > 0)
    conflict = `${ingresses} ingress process(es) ${layout.partitions === 0 ? 'with' : 'without'} partitions are running`
  else if (layout.partitions > 0 && layout.role === 'worker') {
    const age = await lastPublishAge(jsm, shared.stream)
    if (age !== undefined && age <= windowMs)
      conflict = `an ingress without partitions published to ${shared.stream} ${seconds(age)} ago`
  } else if (layout.partitions > 0) {
    const waiting = await waitingPulls(jsm, shared.stream, shared.consumer)
    if (waiting > 0) conflict = `workers without partitions pull from ${shared.stream} (consumer ${shared.consumer})`
  } else if (layout.role === 'worker') {
    const age = await lastPublishAge(jsm, partitioned.stream)
    if (age !== undefined && age <= windowMs)
      conflict = `an ingress with partitions published to ${partitioned.stream} ${seconds(age)} ago`
  } else {
    // Partitioned workers put their member key into the lease bucket every round.
    const age = await lastPublishAge(jsm, `KV_${partitioned.leases}`)
    if (age !== undefined && age <= windowMs) conflict = `workers with partitions hold leases in ${partitioned.leases}`
  }
  if (conflict) throw new StreamLayoutMismatchError(layout.role, layout.partitions, conflict)
  if (layout.partitions > 0 && layout.role === 'worker') await warnAboutStrandedEvents(jsm, layout)
}

/**
 * Lists a running ingress under its layout: a key `<layout>.<ingress>` in the bucket `qqbot_<ns>_ingresses`,
 * whose entries age out after {@link LAYOUT_LIVE_WINDOW_MS}; refreshed every third of that, deleted at a clean
 * stop. So a process of the other layout started before this ingress publishes anything is refused all the same.
 */
export function ingressPresence(layout: JetStreamLayout, ingressId: string): PresenceHeartbeat {
  const key = `${layoutName(layout.partitions > 0)}.${ingressId}`
  const bucket = ingressesBucket(layout.names)
  let kv: KV | undefined
  // One age for every process, whatever liveWindowMs it checks with: the bucket's configuration must agree.
  const open = async () =>
    (kv ??= await new Kvm(layout.nats).create(bucket, { ttl: LAYOUT_LIVE_WINDOW_MS, history: 1 }))
  return new PresenceHeartbeat(
    {
      beat: async () => {
        await (await open()).put(key, String(Date.now()))
      },
      withdraw: async () => {
        await (await open()).delete(key)
      },
    },
    Math.floor(LAYOUT_LIVE_WINDOW_MS / 3),
    (error) =>
      layout.logger?.warn({ err: error, bucket }, 'could not refresh this ingress in the list of running ingresses'),
  )
}

/** The running ingresses of one layout (0 when no ingress ever listed itself). */
async function runningIngresses(layout: JetStreamLayout, jsm: JetStreamManager, partitioned: boolean): Promise<number> {
  const bucket = ingressesBucket(layout.names)
  try {
    await jsm.streams.info(`KV_${bucket}`)
  } catch {
    return 0
  }
  const kv = await new Kvm(layout.nats).open(bucket)
  let count = 0
  for await (const key of await kv.keys(`${layoutName(partitioned)}.*`)) if (key) count++
  return count
}

/** The key-value bucket where running ingresses list themselves: `qqbot_<ns>_ingresses`. */
export function ingressesBucket(names: JetStreamNames): string {
  return `${names.bucket.replace(/_events$/, '')}_ingresses`
}

function layoutName(partitioned: boolean): string {
  return partitioned ? 'partitioned' : 'shared'
}

/** How long ago the stream last stored a message; undefined when it does not exist or never did. */
async function lastPublishAge(jsm: JetStreamManager, stream: string): Promise<number | undefined> {
  try {
    const { state } = await jsm.streams.info(stream)
    if (state.last_seq === 0) return undefined
    return Math.max(0, Date.now() - Date.parse(state.last_ts))
  } catch {
    return undefined
  }
}

async function waitingPulls(jsm: JetStreamManager, stream: string, consumer: string): Promise<number> {
  try {
    return (await jsm.consumers.info(stream, consumer)).num_waiting
  } catch {
    return 0
  }
}

async function warnAboutStrandedEvents(jsm: JetStreamManager, layout: JetStreamLayout): Promise<void> {
  const { stream, consumer } = layout.names
  let unread = 0
  try {
    const info = await jsm.consumers.info(stream, consumer)
    unread = info.num_pending + info.num_ack_pending
  } catch {
    return
  }
  if (unread === 0) return
  layout.logger?.warn(
    { stream, consumer, unread },
    `${unread} event(s) in ${stream} were published without partitions and not handled; this worker reads partitions only. To answer them, run one worker with partitions: false until the stream is drained (docs/scaling.md, "Upgrading to partitions")`,
  )
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`
}
