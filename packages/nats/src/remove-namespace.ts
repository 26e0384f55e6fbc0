import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import type { NatsConnection } from '@nats-io/transport-node'
import { jetStreamNames, type JetStreamNameOptions } from './names.js'
import { ingressesBucket } from './partitions/layout-check.js'
import { partitionedNames } from './partitions/partition-names.js'

/**
 * Deletes what a bot's namespace keeps on the NATS server: its streams (with and without partitions) and its
 * key-value buckets (claims and done marks, partition leases, the ingresses' presence). Resolves with how many
 * of them there were. Stop the bot's processes first.
 */
export async function removeNamespace(nats: NatsConnection, options: string | JetStreamNameOptions): Promise<number> {
  const names = jetStreamNames(typeof options === 'string' ? { namespace: options } : options)
  const jsm = await jetstreamManager(nats)
  const kvm = new Kvm(nats)
  const removals = [
    ...[names.stream, partitionedNames(names).stream].map((stream) => jsm.streams.delete(stream)),
    ...[names.bucket, partitionedNames(names).leases, ingressesBucket(names)].map(async (bucket) =>
      (await kvm.open(bucket)).destroy(),
    ),
  ]
  // A stream or bucket this namespace never made rejects: it is simply not there.
  const removed = await Promise.allSettled(removals)
  return removed.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length
}
