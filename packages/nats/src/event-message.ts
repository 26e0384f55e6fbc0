import type { JsMsg } from '@nats-io/jetstream'
import type { BrokerDelivery } from '@qqbot/core/adapter'
import { decodeEvents } from './event-codec.js'

/**
 * A worker's handle on one event: the JetStream message it came in, and when that message carries several
 * events (an ingress with `eventsPerMessage` above 1), what they share.
 */
export interface EventMessage {
  readonly msg: JsMsg
  readonly shared: SharedMessage | undefined
}

/**
 * The events of one message share its acknowledgement: the message is acknowledged once each of them is
 * finished (handled, or skipped), and given back at most once. A message given back is never acknowledged
 * afterwards: JetStream delivers all of it again, and the events finished meanwhile are skipped then by their
 * done marks.
 */
export class SharedMessage {
  private open: number
  private givenBack = false
  /** One of the events had no done mark: only the acknowledgement itself records it, so it waits for the answer. */
  private unmarked = false

  constructor(
    private readonly msg: JsMsg,
    events: number,
  ) {
    this.open = events
  }

  /** One event finished; the last acknowledges the message. */
  finish(marked: boolean): Promise<void> {
    if (!marked) this.unmarked = true
    if (--this.open > 0 || this.givenBack) return Promise.resolve()
    if (this.unmarked) return this.msg.ackAck().then(() => undefined)
    this.msg.ack()
    return Promise.resolve()
  }

  /** Gives the message back for a delivery `delayMs` from now, unless it was given back already. */
  giveBack(delayMs: number): void {
    if (this.givenBack) return
    this.givenBack = true
    this.msg.nak(delayMs)
  }
}

/**
 * The deliveries of a message, one per event, each named `idOf(seq)` when the message holds one event and
 * `idOf(seq).index` when it holds several.
 */
export function deliveriesOf<M extends EventMessage>(
  msg: JsMsg,
  idOf: (seq: number) => string | number,
  handleOf: (event: EventMessage) => M,
): BrokerDelivery<M>[] {
  const decoded = decodeEvents(msg.string())
  const attempt = msg.info.deliveryCount
  if (decoded.length === 1)
    return [{ id: idOf(msg.seq), attempt, decoded: decoded[0]!, message: handleOf({ msg, shared: undefined }) }]
  const shared = new SharedMessage(msg, decoded.length)
  return decoded.map((event, index) => ({
    id: `${idOf(msg.seq)}.${index}`,
    attempt,
    decoded: event,
    message: handleOf({ msg, shared }),
  }))
}

/**
 * How many messages to pull for about `batchSize` events, from the events per message of the last pulls: a pull
 * of `batchSize` messages of 64 events each would hand the pipeline thousands of events at once.
 */
export class PullSize {
  private eventsPerMessage = 1
  private messages = 0
  private events = 0

  /** A message of the pull under way brought `events` events. */
  count(events: number): void {
    this.messages++
    this.events += events
  }

  /** The pull under way ended: its events per message weigh on the next pulls' size. */
  pullEnded(): void {
    if (this.messages > 0) this.eventsPerMessage = (this.eventsPerMessage + this.events / this.messages) / 2
    this.messages = 0
    this.events = 0
  }

  messagesFor(batchSize: number): number {
    return Math.max(1, Math.round(batchSize / this.eventsPerMessage))
  }
}

/** Acknowledges the event's part of its message (the message itself once every event of it is finished). */
export function acknowledge({ msg, shared }: EventMessage): void {
  if (shared) void shared.finish(true)
  else msg.ack()
}

/**
 * As {@link acknowledge}, for an event without a done mark: only the acknowledgement records it, so when it
 * acknowledges the message it resolves once JetStream answered.
 */
export async function acknowledgeAndWait({ msg, shared }: EventMessage): Promise<void> {
  if (shared) await shared.finish(false)
  else await msg.ackAck()
}

/** Gives the event's message back for a delivery `delayMs` from now (all of it, when it holds several events). */
export function giveBack({ msg, shared }: EventMessage, delayMs: number): void {
  if (shared) shared.giveBack(delayMs)
  else msg.nak(delayMs)
}

/** `working()` of each distinct message among `events`: resets JetStream's idle timer once per message. */
export function keepWorking(events: Iterable<EventMessage>): void {
  const seen = new Set<JsMsg>()
  for (const { msg } of events) {
    if (seen.has(msg)) continue
    seen.add(msg)
    msg.working()
  }
}
