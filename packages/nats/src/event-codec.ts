import type { DispatchedEvent, EventEnvelope } from '@qqbot/core'
import { fromWireEvent, toWireEvent, type ReceivedWireEvent } from '@qqbot/core/adapter'

/** An event as a JetStream message: the wire event as JSON. */
export function encodeEvent(event: DispatchedEvent): string {
  return JSON.stringify(toWireEvent(event))
}

/** The envelope for a worker's pipeline, or a reason when the message is not one of ours. */
export function decodeEvent(text: string): { envelope: EventEnvelope } | { error: string } {
  let wire: unknown
  try {
    wire = JSON.parse(text)
  } catch {
    return { error: 'the message is not JSON' }
  }
  if (typeof wire !== 'object' || wire === null || typeof (wire as { t?: unknown }).t !== 'string' || !('d' in wire)) {
    return { error: 'the message has no t (event name) or d (payload) field' }
  }
  return { envelope: fromWireEvent(wire as ReceivedWireEvent, 'jetstream') }
}
