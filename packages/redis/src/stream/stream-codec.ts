import type { DispatchedEvent, EventEnvelope } from '@qqbot/core'
import { fromWireEvent, toWireEvent } from '@qqbot/core/adapter'

/** A stream entry's fields as Redis returns them: `[name, value, name, value, ...]`. */
export type StreamFields = string[]

/** An event as stream entry fields: the wire event's fields, the payload as JSON, the shard as `id/count`. */
export function encodeEvent(event: DispatchedEvent): string[] {
  const wire = toWireEvent(event)
  const fields = ['t', wire.t, 'd', JSON.stringify(wire.d), 'at', String(wire.at), 'src', wire.src]
  if (wire.id !== undefined) fields.push('id', wire.id)
  if (wire.s !== undefined) fields.push('s', String(wire.s))
  if (wire.shard) fields.push('shard', wire.shard.join('/'))
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
  const number = (field: string) => (map.has(field) ? Number(map.get(field)) : undefined)
  const wire = { t: name, d: data, id: map.get('id'), s: number('s'), at: number('at'), src: map.get('src') }
  return { envelope: fromWireEvent({ ...wire, shard: map.get('shard')?.split('/') }, 'redis-stream') }
}
