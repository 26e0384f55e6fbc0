import type { EventPayloadMap, KnownEventName } from '../events/event-names.js'
import type { NonconformingField } from '../events/normalize.js'

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
  /**
   * Set when the payload did not match the documented shape. `data` is typed for a conforming payload: only
   * the fields listed here (those with `normalised: false`) may be missing or of another type.
   */
  readonly nonconforming?: readonly NonconformingField[]
}

/** A dispatched event of any known name, narrowed by `switch (event.name)`. */
export type AnyKnownEvent = { [N in KnownEventName]: DispatchedEvent<N> }[KnownEventName]
