import { isMessageEvent } from '../events/event-names.js'

/**
 * What makes two deliveries the same event: messages are keyed by message id (pushed twice sometimes), other
 * events by their event id. Shared with brokers, which dedupe across processes with the same key.
 */
export function eventDedupeKey(name: string, eventId: string | undefined, data: unknown): string | undefined {
  if (isMessageEvent(name)) {
    const messageId = (data as { id?: unknown } | null)?.id
    if (typeof messageId === 'string') return `m:${messageId}`
  }
  return eventId === undefined ? undefined : `e:${eventId}`
}

/**
 * The dedupe key of one named copy of an event: a message the platform pushes under two names (a group
 * message as both GROUP_AT_MESSAGE_CREATE and GROUP_MESSAGE_CREATE) is two copies here. For an ingress, which
 * cannot know which names its workers handle: both copies must reach the broker, and each worker keeps the one
 * it wants (see `SourceRuntime.wants`).
 */
export function namedDedupeKey(name: string, eventId: string | undefined, data: unknown): string | undefined {
  const key = eventDedupeKey(name, eventId, data)
  return key === undefined ? undefined : `${name}/${key}`
}

/** The top-level event id as a string: a number (seen on the wire) becomes its decimal text, anything else is ignored. */
export function eventIdOf(id: unknown): string | undefined {
  if (typeof id === 'string') return id
  return typeof id === 'number' && Number.isFinite(id) ? String(id) : undefined
}
