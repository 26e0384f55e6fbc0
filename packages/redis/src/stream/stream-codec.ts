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
  // One pass over the pairs into locals, no map: this runs for every entry a worker reads. Unknown fields (of a
  // newer ingress) are ignored.
  let name: string | undefined, raw: string | undefined, id: string | undefined, seq: string | undefined
  let at: string | undefined, src: string | undefined, shard: string | undefined
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const value = fields[i + 1]
    switch (fields[i]) {
      case 't':
        name = value
        break
      case 'd':
        raw = value
        break
      case 'id':
        id = value
        break
      case 's':
        seq = value
        break
      case 'at':
        at = value
        break
      case 'src':
        src = value
        break
      case 'shard':
        shard = value
    }
  }
  if (name === undefined || raw === undefined) return { error: 'the entry has no t (event name) or d (payload) field' }
  let data: unknown
  try {
    data = JSON.parse(raw)
  } catch {
    return { error: 'the payload (d) is not JSON' }
  }
  const envelope = fromWireEvent(
    {
      t: name,
      d: data,
      id,
      s: seq === undefined ? undefined : Number(seq),
      at: at === undefined ? undefined : Number(at),
      src,
      shard: shard?.split('/'),
    },
    'redis-stream',
  )
  return { envelope }
}
