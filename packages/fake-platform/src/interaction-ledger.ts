import { RawJson } from './raw-json.js'
import type { ReferenceRefusal } from './reply-references.js'

/** An acknowledgement the platform accepted. */
export interface InteractionAck {
  /** The interaction id. */
  id: string
  /** The code sent: 0 ok, 1 failed, 2 too frequent, 3 duplicate, 4 no permission, 5 admins only. */
  code: number
  /** Milliseconds between the interaction's dispatch and its acknowledgement (platform clock). */
  afterMs: number
}

/** How long after an interaction the platform still takes its acknowledgement. */
export const INTERACTION_ACK_WINDOW_MS = 5_000
/** Interactions are remembered this long, so a late acknowledgement is told it is late rather than unknown. */
const REMEMBERED_MS = 10 * 60_000

/**
 * The platform's answers to a bad acknowledgement are not documented; the fake answers with the HTTP status as
 * the code and a message that names the rule.
 */
const UNKNOWN = 404
const TWICE = 409
const LATE = 410
const BAD_BODY = 40011000

/**
 * The interactions the platform delivered, and their acknowledgements: `PUT /interactions/{id}` must name a
 * delivered interaction, once, with a code 0–5, within {@link INTERACTION_ACK_WINDOW_MS}.
 */
export class InteractionLedger {
  /** Every accepted acknowledgement, in order. */
  readonly acks: InteractionAck[] = []
  private readonly delivered = new Map<string, { at: number; acked: boolean }>()

  constructor(private readonly now: () => number) {}

  /** Remembers an INTERACTION_CREATE as it is dispatched (gateway or webhook). */
  record(t: string, eventId: string | undefined, payload: unknown): void {
    if (t !== 'INTERACTION_CREATE') return
    const d = payload instanceof RawJson ? parse(payload.text) : payload
    const id = (d as { id?: unknown } | null)?.id
    const key = typeof id === 'string' && id !== '' ? id : eventId
    if (!key || this.delivered.has(key)) return
    const now = this.now()
    this.forgetOld(now)
    this.delivered.set(key, { at: now, acked: false })
  }

  /** Takes an acknowledgement, or says why the platform refuses it. */
  acknowledge(id: string, body: unknown): ReferenceRefusal | undefined {
    const code = (body as { code?: unknown } | null)?.code
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 5)
      return { status: 400, code: BAD_BODY, message: `code must be an integer 0..5; got ${JSON.stringify(code)}` }
    const interaction = this.delivered.get(id)
    if (!interaction) return { status: 404, code: UNKNOWN, message: `interaction ${id} not found` }
    if (interaction.acked) return { status: 409, code: TWICE, message: `interaction ${id} was already acknowledged` }
    const afterMs = this.now() - interaction.at
    if (afterMs > INTERACTION_ACK_WINDOW_MS)
      return {
        status: 410,
        code: LATE,
        message: `interaction ${id} expired: acknowledge within ${INTERACTION_ACK_WINDOW_MS / 1000} s (this came after ${afterMs} ms)`,
      }
    interaction.acked = true
    this.acks.push({ id, code, afterMs })
    return undefined
  }

  /** Entries are kept in arrival order, so the old ones are at the front. */
  private forgetOld(now: number): void {
    for (const [id, interaction] of this.delivered) {
      if (now - interaction.at <= REMEMBERED_MS) return
      this.delivered.delete(id)
    }
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
