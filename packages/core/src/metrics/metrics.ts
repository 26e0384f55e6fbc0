import { LabelKeys } from './label-keys.js'

/** Names of the counters the core maintains. Labels narrow them (route, shard, reason). */
export type CounterName =
  | 'events_received'
  | 'events_dispatched'
  | 'events_failed'
  | 'events_nonconforming'
  | 'events_duplicate'
  | 'events_revoked'
  | 'events_order_released'
  | 'frames_malformed'
  | 'gateway_reconnects'
  | 'gateway_resumes'
  | 'gateway_identifies'
  | 'gateway_zombies'
  | 'rest_calls'
  | 'rest_errors'
  | 'rest_retries'
  | 'rest_rate_limited'
  | 'token_refreshes'
  | 'replies_sent'
  | 'replies_already_sent'
  | 'replies_markdown_fallback'
  | 'stream_typing'
  | 'stream_frames_sent'
  | 'streams_degraded'
  | 'webhook_requests'
  | 'webhook_rejected'
  | 'webhook_refused'
  | 'webhook_acks_held'
  | 'webhook_acks_over_budget'
  | 'broker_published'
  | 'broker_acked'
  | 'broker_reclaimed'
  | 'broker_reads'
  | 'broker_duplicates'

export type GaugeName =
  | 'pipeline_queued'
  | 'pipeline_running'
  | 'pipeline_order_waiting'
  | 'webhook_pending'
  | 'rest_in_flight'
  | 'broker_pending'
  | 'broker_lag'
  | 'broker_group_pending'
  | 'shards_owned'

/**
 * A metric an adapter package declares for itself (the core knows only its own names): its name, shown as
 * `qqbot_<name>` (counters with `_total`), and its HELP line. Declare it once as a constant next to the code
 * that counts it and pass it wherever a core name is accepted.
 * ```ts
 * const STREAM_LOST = defineCounter('broker_stream_lost', 'Times the stream vanished from the broker')
 * metrics.inc(STREAM_LOST)
 * ```
 */
export interface MetricDefinition<Kind extends 'counter' | 'gauge'> {
  readonly kind: Kind
  readonly name: string
  readonly help: string
}

export type CounterDefinition = MetricDefinition<'counter'>
export type GaugeDefinition = MetricDefinition<'gauge'>

/** Declares an adapter's counter (see {@link MetricDefinition}). */
export function defineCounter(name: string, help: string): CounterDefinition {
  return { kind: 'counter', name, help }
}

/** Declares an adapter's gauge (see {@link MetricDefinition}). */
export function defineGauge(name: string, help: string): GaugeDefinition {
  return { kind: 'gauge', name, help }
}

export type Labels = Readonly<Record<string, string | number>>

/** A point-in-time copy of every counter and gauge, keyed by name then by label set (`route="GET /gateway"`). */
export interface MetricsSnapshot {
  counters: Record<string, Record<string, number>>
  gauges: Record<string, number>
}

const HELP: Record<CounterName | GaugeName, string> = {
  events_received: 'Dispatch events received from any event source',
  events_dispatched: 'Events handed to handlers',
  events_failed: 'Events whose handler threw or rejected',
  events_nonconforming:
    'Fields of delivered events that did not match the documented shape, by event and field path (normalised or passed through as received)',
  events_duplicate: 'Events dropped because the same id was already handled',
  events_revoked:
    'Queued events dropped because their source no longer owned them when their turn came (a shard that moved to another process)',
  events_order_released:
    'Events that held their order key past pipeline.orderHoldMs: the next events of the key ran without waiting for them',
  frames_malformed: 'Gateway frames that were not valid JSON payloads',
  gateway_reconnects: 'Gateway reconnect attempts',
  gateway_resumes: 'Gateway sessions resumed',
  gateway_identifies: 'Gateway identifies sent',
  gateway_zombies: 'Connections closed because no heartbeat ACK arrived',
  rest_calls: 'REST requests sent, by route',
  rest_errors: 'REST requests that failed, by route and code',
  rest_retries: 'REST requests retried, by route',
  rest_rate_limited: 'REST answers that said slow down (HTTP 429, codes 22009/20028), by route',
  token_refreshes: 'Access tokens fetched',
  replies_sent: 'Replies sent, by scene',
  replies_already_sent:
    'Replies the platform already had (same msg_id and msg_seq: an earlier delivery of the event sent them), by scene',
  replies_markdown_fallback:
    'Replies sent as plain text because the platform refused their markdown or keyboard, by scene and code (`remembered`: the scene refused before)',
  stream_typing:
    'Typing indicators sent for streams, by kind (`start`, `renew` while the first frame is late, `cancel` when a stream ended showing nothing)',
  stream_frames_sent: 'Stream frames the platform took, by wire form',
  streams_degraded:
    'Streams sent as ordinary replies instead, by reason (scene, not-a-message, too-old, first-frame-refused)',
  webhook_requests: 'Verified webhook callbacks, by opcode',
  webhook_rejected: 'Webhook requests rejected as invalid (4xx), by reason',
  webhook_refused:
    'Valid webhook events answered 503 so the platform delivers them again, by reason (at_cap: webhook.maxPendingEvents reached; stopping)',
  webhook_acks_held:
    'Webhook ACKs held (within webhook.ackBudgetMs) because its pending events were past webhook.holdAcksFrom of the cap: the brake on the platform',
  webhook_acks_over_budget: 'Webhook ACKs sent later than webhook.ackBudgetMs after their request arrived',
  webhook_pending: 'Events the webhook accepted that the pipeline has not finished (queued or running)',
  pipeline_queued: 'Events not running yet: waiting for a handler slot or behind an earlier event of their order key',
  pipeline_running: 'Events being handled now',
  pipeline_order_waiting: 'Events waiting behind an earlier event of their order key (one user in one chat by default)',
  rest_in_flight: 'REST requests in flight',
  broker_published: 'Events an ingress published to the broker',
  broker_acked: 'Broker entries a worker finished and acknowledged',
  broker_reclaimed: 'Broker entries a worker took over from a worker that stopped answering',
  broker_reads: 'Reads from the broker that returned messages (broker_acked / broker_reads: messages per read)',
  broker_duplicates: 'Broker entries skipped because their event was already handled',
  broker_pending: 'Broker entries this worker holds and has not acknowledged',
  broker_lag: 'Stream entries no worker of the group has read yet (as of the last check)',
  broker_group_pending:
    'Stream entries read by some worker of the group and not acknowledged yet (as of the last check)',
  shards_owned: 'Gateway shards this process runs (with a shard coordinator)',
}

const NO_LABELS = ''

/**
 * Per-bot counters and gauges. Deliberately tiny and synchronous: increments run on the hot path
 * (several per event), and a snapshot must be readable at any time without awaiting.
 */
export class Metrics {
  private readonly counters = new Map<string, Map<string, number>>()
  private readonly gauges = new Map<string, () => number>()
  /** HELP lines of the adapters' metrics seen so far (the core's are in HELP). */
  private readonly declared = new Map<string, string>()
  private readonly labelKeys = new LabelKeys()

  inc(counter: CounterName | CounterDefinition, labels?: Labels, by = 1): void {
    const name = this.nameOf(counter)
    let series = this.counters.get(name)
    if (!series) this.counters.set(name, (series = new Map()))
    const key = labels ? this.labelKeys.of(labels) : NO_LABELS
    series.set(key, (series.get(key) ?? 0) + by)
  }

  /** Registers a gauge read lazily from its owner (queue length, in-flight requests). */
  gauge(gauge: GaugeName | GaugeDefinition, read: () => number): void {
    this.gauges.set(this.nameOf(gauge), read)
  }

  /** Sum of a counter over all label sets, or of one label set. */
  count(counter: CounterName | CounterDefinition, labels?: Labels): number {
    const series = this.counters.get(this.nameOf(counter))
    if (!series) return 0
    if (labels) return series.get(this.labelKeys.of(labels)) ?? 0
    let total = 0
    for (const value of series.values()) total += value
    return total
  }

  snapshot(): MetricsSnapshot {
    const counters: MetricsSnapshot['counters'] = {}
    for (const [name, series] of this.counters) counters[name] = Object.fromEntries(series)
    const gauges: MetricsSnapshot['gauges'] = {}
    for (const [name, read] of this.gauges) gauges[name] = read()
    return { counters, gauges }
  }

  /** Prometheus text exposition format (version 0.0.4), names prefixed with `qqbot_`. */
  toPrometheus(): string {
    const lines: string[] = []
    for (const [name, series] of this.counters) {
      lines.push(`# HELP qqbot_${name}_total ${this.helpOf(name)}`, `# TYPE qqbot_${name}_total counter`)
      for (const [key, value] of series) lines.push(`qqbot_${name}_total${key ? `{${key}}` : ''} ${value}`)
    }
    for (const [name, read] of this.gauges) {
      lines.push(`# HELP qqbot_${name} ${this.helpOf(name)}`, `# TYPE qqbot_${name} gauge`, `qqbot_${name} ${read()}`)
    }
    return lines.join('\n') + '\n'
  }

  private nameOf(metric: string | MetricDefinition<'counter' | 'gauge'>): string {
    if (typeof metric === 'string') return metric
    this.declared.set(metric.name, metric.help)
    return metric.name
  }

  private helpOf(name: string): string {
    return HELP[name as CounterName | GaugeName] ?? this.declared.get(name) ?? ''
  }
}
