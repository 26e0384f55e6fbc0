import { randomBytes } from 'node:crypto'
import { jetstreamManager } from '@nats-io/jetstream'
import { Kvm } from '@nats-io/kv'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetStreamNames } from './names.js'
import { ingressesBucket } from './partitions/layout-check.js'
import { partitionedNames } from './partitions/partition-names.js'

/** The NATS server (with JetStream) the tests use: NATS_URL, default the local one. */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'

export function connectNats(): Promise<NatsConnection> {
  return connect({ servers: NATS_URL, name: 'qqbot-nats-tests' })
}

/** A namespace no other test uses. */
export function freshNamespace(): string {
  return `test_${randomBytes(4).toString('hex')}`
}

/** Deletes what a test's namespace created on the server (the streams and the key-value buckets). */
export async function removeNamespace(nc: NatsConnection, namespace: string): Promise<void> {
  const names = jetStreamNames({ namespace })
  const jsm = await jetstreamManager(nc)
  const partitioned = partitionedNames(names)
  for (const stream of [names.stream, partitioned.stream]) await jsm.streams.delete(stream).catch(() => undefined)
  for (const bucket of [names.bucket, partitioned.leases, ingressesBucket(names)])
    await (await new Kvm(nc).open(bucket)).destroy().catch(() => undefined)
}
