/**
 * @qqbot/core/adapter: what adapter packages (`@qqbot/redis`, `@qqbot/nats`, your own broker or coordinator)
 * build on. A bot author never needs these; they stay out of the main entry.
 */

// Broker workers: implement WorkerBroker for your broker, BrokerWorker runs the loops around it.
export { BrokerWorker } from './broker/broker-worker.js'
export { DONE_MARK } from './broker/worker-broker.js'
export type {
  WorkerBroker,
  BrokerDelivery,
  BrokerRuntime,
  BrokerState,
  ClaimResult,
  HeldDelivery,
} from './broker/worker-broker.js'
export {
  resolveBrokerWorkerOptions,
  uniqueProcessName,
  type BrokerWorkerOptions,
  type BrokerWorkerSettings,
} from './broker/broker-worker-options.js'

// Partitions: one key's events to one worker at a time (the ingress picks the partition, workers hold leases).
export {
  EventPartitioner,
  partitionOfKey,
  resolvePartitions,
  DEFAULT_PARTITIONS,
  MAX_PARTITIONS,
  type PartitionOwner,
} from './broker/partitions.js'

// The event as it travels between ingress and worker, whatever the broker's format.
export { StreamLayoutMismatchError } from './broker/layout-mismatch-error.js'
// A failed handler's owner (plugin, command) on the pipeline's error line.
export { annotateError } from './pipeline/error-context.js'
export { toWireEvent, fromWireEvent, type WireEvent, type ReceivedWireEvent } from './broker/wire-event.js'

// Ingress: publish every event the gateway receives to a broker.
export { BrokerIngress, type BrokerIngressOptions, type IngressPublisher } from './forwarding/broker-ingress.js'
export { PresenceHeartbeat, type PresenceRecord } from './forwarding/presence-heartbeat.js'
export { EventForwarder, type EventPublisher, type EventForwarderOptions } from './forwarding/event-forwarder.js'

// Pulling sources: dedupe keys, what is held until acknowledged, and flow control.
export { eventDedupeKey, namedDedupeKey } from './pipeline/event-keys.js'
// Ordering: the key function a bot's `pipeline.order` resolves to (partitioning by key reuses it).
export { orderKeyFunction } from './pipeline/order-key.js'
export { HeldEvents } from './pipeline/held-events.js'
export { PullGate } from './pipeline/pull-gate.js'
export type { EventEnvelope, EventSink, EventSource, SourceRuntime } from './pipeline/event-envelope.js'

// Event sources: check a payload exactly as the pipeline does at the edge (never refusing it).
export { parseEventPayload, eventSchemas, type ParseEventResult } from './events/schemas.js'

// An abortable sleep for retry loops (stops waiting when the signal aborts).
export { sleep } from './util/sleep.js'

// Shard coordinators: hold a shard's events until its lease is confirmed.
export { FencedSink, type LeaseCheck } from './fencing/fenced-sink.js'
export type { ShardCoordinator, ShardControl, ShardGuard } from './gateway/shard-coordinator.js'

// Metrics an adapter declares for itself.
export {
  defineCounter,
  defineGauge,
  type MetricDefinition,
  type CounterDefinition,
  type GaugeDefinition,
} from './metrics/metrics.js'

// State storages: the TTL check every storage applies alike.
export { stateTtlMs } from './state/state-ttl.js'
