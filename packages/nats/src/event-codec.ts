import type { DispatchedEvent, EventEnvelope } from '@qqbot/core'
import { fromWireEvent, toWireEvent, type ReceivedWireEvent } from '@qqbot/core/adapter'

/** A message's event, or why it is not one. */
export type DecodedEvent = { envelope: EventEnvelope } | { error: string }

/** An event as a JetStream message: the wire event as JSON. */
export function encodeEvent(event: DispatchedEvent): string {
  return JSON.stringify(toWireEvent(event))
}

/**
 * Several encoded events as one message, one per line. JSON text never holds a raw line break (one inside a
 * string is written `\n`), so the lines split back into the events exactly.
 */
export function joinEncodedEvents(encoded: readonly string[]): string {
  return encoded.join('\n')
}

/** The events of a message: one, or one per line (see {@link joinEncodedEvents}), each decoded on its own. */
export function decodeEvents(text: string): DecodedEvent[] {
  if (!text.includes('\n')) return [decodeEvent(text)]
  return text.split('\n').map(decodeEvent)
}

/** The envelope for a worker's pipeline, or a reason when the message is not one of ours. */
export function decodeEvent(text: string): DecodedEvent {
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
