import type { DispatchedEvent, EventEnvelope } from '@qqbot/core'
import { fromWireEvent, toWireEvent, type ReceivedWireEvent } from '@qqbot/core/adapter'

/** A stream entry's fields as Redis returns them: `[name, value, name, value, ...]`. */
export type StreamFields = string[]

/**
 * An event as stream entry fields: `t` (name), `d` (payload as JSON), `id` (event id, when it has one) and `m`,
 * the rest in one JSON array: `[seq or null, receivedAt, source, shard as [id, count] or null]`.
 *
 * Fewer fields make each entry cheaper for everyone who touches it: the ingress's script call (ioredis encodes
 * each argument on its own), Redis (each field is an item of the entry) and the worker (each is a string of the
 * read's answer); with one field per value (the first layout, still read) the ingress spent about a fifth more
 * CPU per event. `t`, `d` and `id` stay fields of their own, so a worker of the first layout still handles these
 * entries, and keeps dedupe, only measuring reply windows from when it read the event (see the migration guide).
 */
export function encodeEvent(event: DispatchedEvent): string[] {
  const wire = toWireEvent(event)
  const fields = ['t', wire.t, 'd', JSON.stringify(wire.d)]
  if (wire.id !== undefined) fields.push('id', wire.id)
  fields.push('m', JSON.stringify([wire.s ?? null, wire.at, wire.src, wire.shard ?? null]))
  return fields
}

/** The envelope for a worker's pipeline, or a reason when the entry is not one of ours. */
export function decodeEvent(fields: StreamFields): { envelope: EventEnvelope } | { error: string } {
  // One pass over the pairs into locals, no map: this runs for every entry a worker reads. Unknown fields (of a
  // newer ingress) are ignored; `s`, `at`, `src` and `shard` are the first layout's fields for what `m` holds.
  let name: string | undefined, raw: string | undefined, id: string | undefined, meta: string | undefined
  let seq: string | undefined, at: string | undefined, src: string | undefined, shard: string | undefined
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
      case 'm':
        meta = value
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
  const wire: ReceivedWireEvent =
    meta === undefined
      ? {
          t: name,
          d: data,
          id,
          s: seq === undefined ? undefined : Number(seq),
          at: at === undefined ? undefined : Number(at),
          src,
          shard: shard?.split('/'),
        }
      : { t: name, d: data, id, ...metadataOf(meta) }
  return { envelope: fromWireEvent(wire, 'redis-stream') }
}

/**
 * What `m` holds. Lenient: the event is delivered whatever `m` holds; a part that is missing or of the wrong type
 * is left out, and the envelope falls back as for an entry without it (received now, source unknown).
 */
function metadataOf(meta: string): Pick<ReceivedWireEvent, 's' | 'at' | 'src' | 'shard'> {
  let parts: unknown
  try {
    parts = JSON.parse(meta)
  } catch {
    return {}
  }
  if (!Array.isArray(parts)) return {}
  const [s, at, src, shard] = parts as unknown[]
  return { s: s ?? undefined, at, src, shard: shard ?? undefined }
}
