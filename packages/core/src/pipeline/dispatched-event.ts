import type { EventPayloadMap, KnownEventName } from '../events/event-names.js'
import type { NonconformingField } from '../events/normalize.js'

/** A validated, deduplicated event as handlers receive it. `data` is typed by `name` for known events. */
export interface DispatchedEvent<
  N extends string = string,
  D = N extends KnownEventName ? EventPayloadMap[N] : unknown,
> {
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
   * The same for every delivery of this event, whichever process or source delivers it (a replay after a
   * shard moved to another process, a broker redelivery): `m:<message id>` for messages, `e:<event id>`
   * otherwise; undefined when the payload carries neither. The idempotency key for side effects a handler
   * must not repeat (delivery is at-least-once: docs/scaling.md).
   */
  readonly deliveryId: string | undefined
  /**
   * 1 on the first delivery. Above 1 when the event may have been handled before, in part or in full, by a
   * process that died or lost it: a gateway event replayed to the shard's next owner after it had reached the
   * previous one, or a broker entry delivered again (then the broker's count of deliveries). The cue to check
   * `deliveryId` before repeating a side effect.
   */
  readonly attempt: number
  /**
   * Set when the payload did not match the documented shape. `data` is typed for a conforming payload: only
   * the fields listed here (those with `normalised: false`) may be missing or of another type.
   */
  readonly nonconforming?: readonly NonconformingField[]
}

/** A dispatched event of any known name, narrowed by `switch (event.name)`. */
export type AnyKnownEvent = { [N in KnownEventName]: DispatchedEvent<N> }[KnownEventName]
