import { JetStreamApiError, type JetStreamApiCodes } from '@nats-io/jetstream'
import {
  createInbox,
  headers as createHeaders,
  NoRespondersError,
  TimeoutError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node'
import { nextTurn } from './next-turn.js'

/** A publish's answer from JetStream: the stored sequence, and whether the stream had it already (`Nats-Msg-Id`). */
export interface PubAck {
  seq: number
  duplicate: boolean
}

/** What a publish may ask of JetStream. */
export interface WindowPublishOptions {
  /** `Nats-Msg-Id`: a second publish with it within the stream's duplicate window is not stored again. */
  msgID?: string
  /** `Nats-Expected-Last-Subject-Sequence`: stored only if the subject's last message has this sequence (0: none). */
  lastSubjectSequence?: number
}

interface Waiting {
  resolve(ack: PubAck): void
  reject(error: Error): void
  /** The sweep (of `timeoutMs / 2`) that gives up on it. */
  expiresAtSweep: number
}

const DEFAULT_TIMEOUT_MS = 5_000

/**
 * JetStream publishes with many acknowledgements outstanding on one connection: every publish of a turn of the
 * event loop leaves in one socket write, and all answers arrive on one wildcard inbox subscription, matched by
 * token. `js.publish()` of the NATS client does the same with a request object, a timer and captured error
 * stacks per message (prominent in the workers' CPU profiles); here one timer sweeps them all. The guarantees
 * are `js.publish()`'s: a publish resolves only once JetStream stored the message (or found it a duplicate),
 * and rejects with the server's `JetStreamApiError`, a `NoRespondersError` when no stream listens on the
 * subject, or a `TimeoutError` after `timeoutMs` (up to half as much again) without an answer.
 */
export class PubAckWindow {
  private readonly inbox: string
  private readonly subscription: Subscription
  private readonly waiting = new Map<string, Waiting>()
  private readonly sweeper: NodeJS.Timeout
  private sweeps = 0
  private closed = false
  private nextToken = 0

  constructor(
    private readonly nats: NatsConnection,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    // The connection's own inbox prefix, where permissions allow its requests' answers (not on the interface).
    const { inboxPrefix } = (nats as { options?: { inboxPrefix?: string } }).options ?? {}
    this.inbox = `${createInbox(inboxPrefix)}.`
    this.subscription = nats.subscribe(`${this.inbox}*`, {
      callback: (error, msg) => {
        if (!error) this.answer(msg)
      },
    })
    this.sweeper = setInterval(() => this.sweep(), Math.max(1, timeoutMs / 2))
    this.sweeper.unref()
    void nats.closed().then(() => this.close())
  }

  /** How many publishes wait for their acknowledgement. */
  get outstanding(): number {
    return this.waiting.size
  }

  /** Publishes at the next turn, with the others of this turn, and resolves with JetStream's acknowledgement. */
  async publish(subject: string, data: string | Uint8Array, options: WindowPublishOptions = {}): Promise<PubAck> {
    await nextTurn()
    return this.send(subject, data, options)
  }

  /** Publishes now (for a caller that gathered its publishes itself), and resolves with JetStream's acknowledgement. */
  send(subject: string, data: string | Uint8Array, options: WindowPublishOptions = {}): Promise<PubAck> {
    if (this.closed) return Promise.reject(new TimeoutError({ cause: new Error('the PubAck window was closed') }))
    const token = (this.nextToken++).toString(36)
    try {
      // Throws at once when the connection is closed; the answer cannot come before the promise below waits for it.
      this.nats.publish(subject, data, { reply: this.inbox + token, headers: headersOf(options) })
    } catch (error) {
      return Promise.reject(error as Error)
    }
    return new Promise<PubAck>((resolve, reject) =>
      this.waiting.set(token, { resolve, reject, expiresAtSweep: this.sweeps + 3 }),
    )
  }

  /** Stops listening; what still waits is rejected. The connection stays open. */
  close(): void {
    this.closed = true
    clearInterval(this.sweeper)
    if (!this.subscription.isClosed()) this.subscription.unsubscribe()
    for (const [token, waiting] of this.waiting) {
      this.waiting.delete(token)
      waiting.reject(new TimeoutError({ cause: new Error('the PubAck window was closed') }))
    }
  }

  private answer(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length)
    const waiting = this.waiting.get(token)
    if (!waiting) return // given up on already
    this.waiting.delete(token)
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      waiting.reject(new NoRespondersError(msg.subject))
      return
    }
    try {
      const answer = msg.json<{
        seq?: number
        duplicate?: boolean
        error?: { code: number; err_code: JetStreamApiCodes; description: string }
      }>()
      if (answer.error) waiting.reject(new JetStreamApiError(answer.error))
      else waiting.resolve({ seq: answer.seq ?? 0, duplicate: answer.duplicate ?? false })
    } catch (error) {
      waiting.reject(error as Error)
    }
  }

  /** Every `timeoutMs / 2`: what waited three sweeps (`timeoutMs` to 1.5 × `timeoutMs`) times out. */
  private sweep(): void {
    this.sweeps++
    for (const [token, waiting] of this.waiting) {
      if (waiting.expiresAtSweep > this.sweeps) continue
      this.waiting.delete(token)
      waiting.reject(new TimeoutError())
    }
  }
}

function headersOf({ msgID, lastSubjectSequence }: WindowPublishOptions): MsgHdrs | undefined {
  if (msgID === undefined && lastSubjectSequence === undefined) return undefined
  const headers = createHeaders()
  if (msgID !== undefined) headers.set('Nats-Msg-Id', msgID)
  if (lastSubjectSequence !== undefined) headers.set('Nats-Expected-Last-Subject-Sequence', String(lastSubjectSequence))
  return headers
}
