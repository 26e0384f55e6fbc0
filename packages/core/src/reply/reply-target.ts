import { isMessageEvent } from '../events/event-names.js'
import { chatFieldOf, sceneOf, type Scene } from '../events/scene.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { nonEmptyString } from '../util/non-empty.js'
import type { ReplyWindow } from './msg-seq-allocator.js'

/** Where and how to answer an event: the endpoint target and the id that makes the send a passive reply. */
export interface ReplyTarget {
  /** The scene, which picks the send endpoint (`guild`: the channel one). */
  scene: Scene
  /** channel_id, DM guild_id, group_openid or user openid: `chatOf(event)`. */
  targetId: string
  /** Either the message id (`msg_id`) or the event id (`event_id`). */
  reference: { kind: 'msg_id' | 'event_id'; id: string }
  window: ReplyWindow
}

/**
 * Passive replies allowed per inbound group/C2C message. The docs say 5 for both; several 2026 sources say
 * C2C allows only 4 (docs/protocol.md, sends), so C2C defaults to the stricter 4 until that is settled.
 */
export interface ReplyLimits {
  /** Default 4. */
  c2c?: number
  /** Default 5. */
  group?: number
}

/** The lowest per-message budget any source reports: a 22009 past it may mean the budget, not a rate limit. */
export const STRICTEST_REPLY_LIMITS: Readonly<Required<ReplyLimits>> = Object.freeze({ c2c: 4, group: 5 })

const MINUTE = 60_000

/** Reply windows and per-message limits for `limits` (defaults: C2C 4, group 5). */
export function replyWindows(limits: ReplyLimits = {}): Readonly<Record<Scene, ReplyWindow>> {
  return Object.freeze({
    guild: { scene: 'guild channel', windowMs: 5 * MINUTE, maxReplies: undefined },
    dm: { scene: 'guild DM', windowMs: 5 * MINUTE, maxReplies: undefined },
    group: { scene: 'group', windowMs: 5 * MINUTE, maxReplies: limits.group ?? STRICTEST_REPLY_LIMITS.group },
    c2c: { scene: 'C2C', windowMs: 60 * MINUTE, maxReplies: limits.c2c ?? STRICTEST_REPLY_LIMITS.c2c },
  })
}

/** The default windows: 5 min for group, guild channel and DM, 60 min for C2C; 5 replies per group message, 4 per C2C one. */
export const REPLY_WINDOWS = replyWindows()

const str = nonEmptyString

/** Non-message events answered with their event id (docs/protocol.md, sends); messages use `msg_id`. */
const EVENT_ID_REPLIES: ReadonlySet<string> = new Set([
  'GROUP_ADD_ROBOT',
  'GROUP_MSG_RECEIVE',
  'GROUP_MEMBER_ADD',
  'FRIEND_ADD',
  'C2C_MSG_RECEIVE',
  'INTERACTION_CREATE',
])

/** Where a reply goes, or which fields of the payload a reply needs and did not find. */
export type ReplyRoute = { target: ReplyTarget; missing?: undefined } | { target?: undefined; missing: string[] }

/** Works out where a reply to `event` goes (docs/protocol.md, events and sends), or `undefined` when it has no reply target. */
export function replyTargetOf(
  event: DispatchedEvent,
  windows: Readonly<Record<Scene, ReplyWindow>> = REPLY_WINDOWS,
): ReplyTarget | undefined {
  return replyRouteOf(event, windows)?.target
}

/**
 * Like {@link replyTargetOf}, but for an event that can be answered and whose payload lacks what the answer
 * needs, it names the missing fields (`['group_openid']`) so the error can say exactly that. The scene and
 * the target come from `sceneOf` and `chatOf`; the reference is the message id (`msg_id`) for messages, the
 * interaction id for INTERACTION_CREATE, and the event id for the other answerable events.
 */
export function replyRouteOf(
  event: DispatchedEvent,
  windows: Readonly<Record<Scene, ReplyWindow>> = REPLY_WINDOWS,
): ReplyRoute | undefined {
  const message = isMessageEvent(event.name)
  if (!message && !EVENT_ID_REPLIES.has(event.name)) return undefined
  const scene = sceneOf(event)
  if (!scene) return undefined
  const d = (event.data !== null && typeof event.data === 'object' ? event.data : {}) as Record<string, unknown>
  const kind = message ? 'msg_id' : 'event_id'
  const [referenceField, referenceValue]: readonly [string, unknown] = message
    ? ['id', d.id]
    : event.name === 'INTERACTION_CREATE'
      ? ['id', str(d.id) ?? event.id]
      : ['the event id', event.id]
  const [targetField, targetValue] = chatFieldOf(event, scene)
  const targetId = str(targetValue)
  const id = str(referenceValue)
  if (targetId && id) return { target: { scene, targetId, reference: { kind, id }, window: windows[scene] } }
  return { missing: [...(targetId ? [] : [targetField]), ...(id ? [] : [referenceField])] }
}
