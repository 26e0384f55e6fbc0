import type { DispatchedEvent, EventEnvelope } from '@qqbot/core'

/** A stream entry's fields as Redis returns them: `[name, value, name, value, ...]`. */
export type StreamFields = string[]

/**
 * How an event travels through the stream: the validated payload plus what replies and windows need on
 * the other side (event id, seq, shard, when the ingress received it).
 */
export function encodeEvent(event: DispatchedEvent): string[] {
  const fields = ['t', event.name, 'd', JSON.stringify(event.data), 'at', String(event.receivedAt), 'src', event.source]
  if (event.id !== undefined) fields.push('id', event.id)
  if (event.seq !== undefined) fields.push('s', String(event.seq))
  if (event.shard) fields.push('shard', `${event.shard[0]}/${event.shard[1]}`)
  return fields
}

/** The envelope for a worker's pipeline, or a reason when the entry is not one of ours. */
export function decodeEvent(fields: StreamFields): { envelope: EventEnvelope } | { error: string } {
  const map = new Map<string, string>()
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!)
  const name = map.get('t')
  const raw = map.get('d')
  if (name === undefined || raw === undefined) return { error: 'the entry has no t (event name) or d (payload) field' }
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    return { error: 'the payload (d) is not JSON' }
  }
  const receivedAt = Number(map.get('at'))
  const seq = map.has('s') ? Number(map.get('s')) : undefined
  const shard = map.get('shard')?.split('/').map(Number)
  return {
    envelope: {
      name,
      id: map.get('id'),
      data,
      seq: Number.isFinite(seq) ? seq : undefined,
      source: `redis-stream:${map.get('src') ?? 'unknown'}`,
      shard: shard?.length === 2 ? [shard[0]!, shard[1]!] : undefined,
      receivedAt: Number.isFinite(receivedAt) && receivedAt > 0 ? receivedAt : Date.now(),
    },
  }
}
