import { RawJson } from './raw-json.js'

/** A refusal of a passive send, as the platform words it. */
export interface ReferenceRefusal {
  status: number
  code: number
  message: string
}

type V2Scene = 'group' | 'c2c'

/** An inbound group/C2C event the platform handed to the bot, and whether a reply may name it. */
interface Inbound {
  event: string
  scene: V2Scene
  target: string
  /** Which body field may name it: `msg_id` for messages, `event_id` for the events that allow one. */
  kind: 'msg_id' | 'event_id' | undefined
  at: number
}

/** Windows of a passive reply: 5 min in groups, 60 min in C2C. */
const WINDOW_MS: Record<V2Scene, number> = { group: 5 * 60_000, c2c: 60 * 60_000 }
const LONGEST_WINDOW_MS = WINDOW_MS.c2c

/** Codes the platform answers a bad reference with (the guild API's 304026/304027, reused by v2 sends). */
const BAD_REFERENCE = 304026
const REFERENCE_EXPIRED = 304027

/** Events a group or C2C reply may name with `event_id`, and where the reply goes. */
const EVENT_ID_REPLIES: Record<string, V2Scene> = {
  GROUP_ADD_ROBOT: 'group',
  GROUP_MSG_RECEIVE: 'group',
  GROUP_MEMBER_ADD: 'group',
  FRIEND_ADD: 'c2c',
  C2C_MSG_RECEIVE: 'c2c',
}

type Data = Record<string, unknown> & { author?: Record<string, unknown> }
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

/**
 * What makes a group or C2C send a passive reply the platform accepts: it names (`msg_id` or `event_id`) an
 * event the platform delivered to this bot, in that same group or C2C chat, of a kind that may be answered
 * that way, within the window. A reference the platform never delivered (a test's hand-made event) is let
 * through, so unit tests may reply to events of their own.
 */
export class ReplyReferences {
  private readonly inbound = new Map<string, Inbound>()

  constructor(private readonly now: () => number) {}

  /** Inbound events remembered (those still inside the longest window). */
  get size(): number {
    return this.inbound.size
  }

  /** Remembers an event as it is dispatched (gateway or webhook). */
  record(t: string, eventId: string | undefined, payload: unknown): void {
    const d = (payload instanceof RawJson ? parseOrUndefined(payload.text) : payload) as Data | undefined
    if (d === null || typeof d !== 'object') return
    const at = this.now()
    this.forgetExpired(at)
    const remember = (id: string | undefined, scene: V2Scene, target: string | undefined, kind: Inbound['kind']) => {
      if (id && target) this.inbound.set(id, { event: t, scene, target, kind, at })
    }
    switch (t) {
      case 'GROUP_AT_MESSAGE_CREATE':
      case 'GROUP_MESSAGE_CREATE':
        return remember(text(d.id), 'group', text(d.group_openid) ?? text(d.group_id), 'msg_id')
      case 'C2C_MESSAGE_CREATE':
        return remember(text(d.id), 'c2c', text(d.author?.user_openid) ?? text(d.author?.id), 'msg_id')
      case 'INTERACTION_CREATE': {
        const chatType = Number(d.chat_type)
        if (chatType === 1) remember(eventId ?? text(d.id), 'group', text(d.group_openid), 'event_id')
        else if (chatType === 2) remember(eventId ?? text(d.id), 'c2c', text(d.user_openid), 'event_id')
        return
      }
      default: {
        const scene = EVENT_ID_REPLIES[t]
        if (scene) return remember(eventId, scene, text(scene === 'group' ? d.group_openid : d.openid), 'event_id')
        // Other group/C2C events are known, but no reply may name them.
        const groupOrUser = text(d.group_openid) ?? text(d.openid) ?? text(d.user_openid)
        if (groupOrUser) remember(eventId, d.group_openid ? 'group' : 'c2c', groupOrUser, undefined)
      }
    }
  }

  /**
   * Why the platform refuses this passive send, or `undefined` when it accepts it. `window` replaces the
   * scene's reply window for sends with a stricter one (streams: 5 min even in C2C).
   */
  check(
    scene: V2Scene,
    target: string,
    body: Record<string, unknown>,
    window: { ms: number; what: string } = { ms: WINDOW_MS[scene], what: 'passive replies' },
  ): ReferenceRefusal | undefined {
    for (const kind of ['msg_id', 'event_id'] as const) {
      const id = text(body[kind])
      if (!id) continue
      const inbound = this.inbound.get(id)
      if (!inbound) return undefined
      if (inbound.kind === undefined)
        return refuse(
          BAD_REFERENCE,
          `${inbound.event} cannot be answered: ${kind} ${id} is not a valid passive-reply reference`,
        )
      if (inbound.kind !== kind)
        return refuse(
          BAD_REFERENCE,
          `${id} is the id of ${inbound.event}: reply to it with ${inbound.kind}, not ${kind}`,
        )
      if (inbound.scene !== scene || inbound.target !== target) {
        return refuse(
          BAD_REFERENCE,
          `${kind} ${id} belongs to another chat (${inbound.scene} ${inbound.target}), not ${scene} ${target}`,
        )
      }
      if (this.now() - inbound.at > window.ms)
        return refuse(
          REFERENCE_EXPIRED,
          `${kind} ${id} has expired: ${window.what} in ${scene} must come within ${window.ms / 60_000} min`,
        )
      return undefined
    }
    return undefined
  }

  /** Entries are kept in arrival order, so the expired ones are at the front. */
  private forgetExpired(now: number): void {
    for (const [id, inbound] of this.inbound) {
      if (now - inbound.at <= LONGEST_WINDOW_MS) return
      this.inbound.delete(id)
    }
  }
}

function refuse(code: number, message: string): ReferenceRefusal {
  return { status: 400, code, message }
}

function parseOrUndefined(json: string): unknown {
  try {
    return JSON.parse(json)
  } catch {
    return undefined
  }
}
