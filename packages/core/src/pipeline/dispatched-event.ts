import type { EventPayloadMap, KnownEventName } from '../events/event-names.js'

/** A validated, deduplicated event as handlers receive it. `data` is typed by `name` for known events. */
export interface DispatchedEvent<N extends string = string, D = N extends KnownEventName ? EventPayloadMap[N] : unknown> {
  readonly name: N
  /** Top-level event id (use as `event_id` to reply to a non-message event). */
  readonly id: string | undefined
  readonly data: D
  readonly seq: number | undefined
  readonly source: string
  readonly shard: readonly [number, number] | undefined
  /** `Date.now()` at arrival; passive-reply windows count from here. */
  readonly receivedAt: number
}

/** A dispatched event of any known name, narrowed by `switch (event.name)`. */
export type AnyKnownEvent = { [N in KnownEventName]: DispatchedEvent<N> }[KnownEventName]
