import type { JetStreamNames } from '../names.js'

/** Where a partitioned split lives on NATS, next to (never overlapping) the unpartitioned names. */
export interface PartitionedNames {
  /** The stream of every partition: `QQBOT_<ns>_PARTITIONED`, on the subjects `<subject>.*`. */
  stream: string
  /** What the stream listens to: `qqbot.<ns>.events.*`. */
  subjects: string
  /** The subject of one partition: `qqbot.<ns>.events.<n>`. */
  subject(partition: number): string
  /** The durable consumer of one partition, read by the worker holding its lease: `workers-<n>`. */
  consumer(partition: number): string
  /** Key-value bucket of the partition leases and the member list: `qqbot_<ns>_partitions`. */
  leases: string
}

export function partitionedNames(names: JetStreamNames): PartitionedNames {
  return {
    stream: `${names.stream}_PARTITIONED`,
    subjects: `${names.subject}.*`,
    subject: (partition) => `${names.subject}.${partition}`,
    consumer: (partition) => `${names.consumer}-${partition}`,
    leases: `${names.bucket.replace(/_events$/, '')}_partitions`,
  }
}
