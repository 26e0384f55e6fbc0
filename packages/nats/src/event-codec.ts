import type { DispatchedEvent, EventEnvelope } from '@qqbot/core'

/** An event as it travels through JetStream: the validated payload plus what replies and windows need. */
interface WireEvent {
  t: string
  d: unknown
  id?: string
  s?: number
  shard?: [number, number]
  at: number
  src: string
}

export function encodeEvent(event: DispatchedEvent): string {
  const wire: WireEvent = { t: event.name, d: event.data, at: event.receivedAt, src: event.source }
  if (event.id !== undefined) wire.id = event.id
  if (event.seq !== undefined) wire.s = event.seq
  if (event.shard) wire.shard = [event.shard[0], event.shard[1]]
  return JSON.stringify(wire)
}

/** The envelope for a worker's pipeline, or a reason when the message is not one of ours. */
export function decodeEvent(text: string): { envelope: EventEnvelope } | { error: string } {
  let wire: Partial<WireEvent>
  try {
    wire = JSON.parse(text) as Partial<WireEvent>
  } catch {
    return { error: 'the message is not JSON' }
  }
  if (typeof wire !== 'object' || wire === null || typeof wire.t !== 'string' || !('d' in wire)) {
    return { error: 'the message has no t (event name) or d (payload) field' }
  }
  const shard =
    Array.isArray(wire.shard) && wire.shard.length === 2
      ? ([Number(wire.shard[0]), Number(wire.shard[1])] as const)
      : undefined
  return {
    envelope: {
      name: wire.t,
      id: typeof wire.id === 'string' ? wire.id : undefined,
      data: wire.d,
      seq: typeof wire.s === 'number' ? wire.s : undefined,
      source: `jetstream:${typeof wire.src === 'string' ? wire.src : 'unknown'}`,
      shard,
      receivedAt: typeof wire.at === 'number' && wire.at > 0 ? wire.at : Date.now(),
    },
  }
}
