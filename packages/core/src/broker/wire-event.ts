import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import type { EventEnvelope } from '../pipeline/event-envelope.js'

/**
 * An event as it travels through a broker from ingress to worker: the validated payload plus what replies and
 * reply windows need on the other side (event id, seq, shard, when the ingress received it). Each broker
 * adapter lays these fields out in its own format (stream fields, a JSON body).
 */
export interface WireEvent {
  /** Event name. */
  t: string
  /** Payload. */
  d: unknown
  /** Event id. */
  id?: string
  /** Gateway seq. */
  s?: number
  /** `[shardId, shardCount]`. */
  shard?: [number, number]
  /** When the ingress received it (`Date.now()`). */
  at: number
  /** The ingress's event source: `gateway`, `webhook`. */
  src: string
}

/** What a worker read back, each field as yet unchecked. */
export type ReceivedWireEvent = Pick<WireEvent, 't' | 'd'> & { [K in Exclude<keyof WireEvent, 't' | 'd'>]?: unknown }

export function toWireEvent(event: DispatchedEvent): WireEvent {
  const wire: WireEvent = { t: event.name, d: event.data, at: event.receivedAt, src: event.source }
  if (event.id !== undefined) wire.id = event.id
  if (event.seq !== undefined) wire.s = event.seq
  if (event.shard) wire.shard = [event.shard[0], event.shard[1]]
  return wire
}

/** The envelope for a worker's pipeline; `broker` names where it came from (`source` is `<broker>:<src>`). */
export function fromWireEvent(wire: ReceivedWireEvent, broker: string): EventEnvelope {
  const { s: seq, at, shard } = wire
  return {
    name: wire.t,
    id: typeof wire.id === 'string' ? wire.id : undefined,
    data: wire.d,
    seq: typeof seq === 'number' && Number.isFinite(seq) ? seq : undefined,
    source: `${broker}:${typeof wire.src === 'string' ? wire.src : 'unknown'}`,
    shard: Array.isArray(shard) && shard.length === 2 ? [Number(shard[0]), Number(shard[1])] : undefined,
    receivedAt: typeof at === 'number' && Number.isFinite(at) && at > 0 ? at : Date.now(),
  }
}
