import { createHash } from 'node:crypto'
import { joinEncodedEvents } from './event-codec.js'
import { nextTurn } from './next-turn.js'
import type { PubAckWindow } from './pub-ack-window.js'

/** An encoded event waiting for the end of the turn, and the publish that waits for JetStream's answer. */
interface Waiting {
  encoded: string
  msgID: string | undefined
  resolve(): void
  reject(error: unknown): void
}

/** NATS servers refuse a message above their `max_payload` (1 MiB unless configured); a message stays within half. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024

/**
 * Gathers the events published in one turn of the event loop and publishes them in as few messages as it may:
 * per subject, up to `eventsPerMessage` events per message, one per line. JetStream then stores, delivers and
 * acknowledges one message per batch instead of one per event, which is most of what it spends per event.
 * An event alone in its message keeps its dedupe key as `Nats-Msg-Id`; a message of several gets a digest of
 * their keys, so a publish repeated whole (a retry after a timeout) is still stored once; an event repeated in
 * another message is skipped by the workers' done marks. Each event's publish
 * resolves once JetStream stored its message.
 */
export class EventBatches {
  private gathered = new Map<string, Waiting[]>()
  private scheduled = false

  constructor(
    private readonly window: PubAckWindow,
    private readonly eventsPerMessage: number,
    private readonly maxPayload = DEFAULT_MAX_PAYLOAD,
  ) {}

  publish(subject: string, encoded: string, msgID: string | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting = this.gathered.get(subject)
      const entry = { encoded, msgID, resolve, reject }
      if (waiting) waiting.push(entry)
      else this.gathered.set(subject, [entry])
      if (this.scheduled) return
      this.scheduled = true
      void nextTurn().then(() => this.flush())
    })
  }

  private flush(): void {
    const gathered = this.gathered
    this.gathered = new Map()
    this.scheduled = false
    for (const [subject, waiting] of gathered)
      for (const batch of this.messagesOf(waiting)) {
        const sent =
          batch.length === 1
            ? this.window.send(subject, batch[0]!.encoded, { msgID: batch[0]!.msgID })
            : this.window.send(subject, joinEncodedEvents(batch.map(({ encoded }) => encoded)), {
                msgID: digestOf(batch),
              })
        sent.then(
          () => batch.forEach(({ resolve }) => resolve()),
          (error: unknown) => batch.forEach(({ reject }) => reject(error)),
        )
      }
  }

  /** The events of a subject cut into messages, in order: at most `eventsPerMessage` each and half the payload limit. */
  private messagesOf(waiting: Waiting[]): Waiting[][] {
    const limit = this.maxPayload / 2
    const messages: Waiting[][] = []
    let current: Waiting[] = []
    let bytes = 0
    for (const entry of waiting) {
      const size = Buffer.byteLength(entry.encoded) + 1
      if (current.length > 0 && (current.length === this.eventsPerMessage || bytes + size > limit)) {
        messages.push(current)
        current = []
        bytes = 0
      }
      current.push(entry)
      bytes += size
    }
    if (current.length > 0) messages.push(current)
    return messages
  }
}

/**
 * A message's `Nats-Msg-Id`: a digest of its events' dedupe keys (of the whole event for one without a key), so
 * that only the same events in the same order count as a repeat.
 */
function digestOf(batch: Waiting[]): string {
  const digest = createHash('sha256')
  for (const { msgID, encoded } of batch) digest.update(msgID ?? encoded).update('\n')
  return `batch:${digest.digest('base64url')}`
}
