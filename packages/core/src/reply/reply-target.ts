import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { nonEmptyString } from '../util/non-empty.js'
import type { ReplyWindow } from './msg-seq-allocator.js'
import { interactionChatType } from '../events/interactions.js'

export type ReplyScene = 'channel' | 'dm' | 'group' | 'c2c'

/** Where and how to answer an event: the endpoint target and the id that makes the send a passive reply. */
export interface ReplyTarget {
  scene: ReplyScene
  /** channel_id, DM guild_id, group_openid or user openid. */
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
export function replyWindows(limits: ReplyLimits = {}): Readonly<Record<ReplyScene, ReplyWindow>> {
  return Object.freeze({
    channel: { scene: 'guild channel', windowMs: 5 * MINUTE, maxReplies: undefined },
    dm: { scene: 'guild DM', windowMs: 5 * MINUTE, maxReplies: undefined },
    group: { scene: 'group', windowMs: 5 * MINUTE, maxReplies: limits.group ?? STRICTEST_REPLY_LIMITS.group },
    c2c: { scene: 'C2C', windowMs: 60 * MINUTE, maxReplies: limits.c2c ?? STRICTEST_REPLY_LIMITS.c2c },
  })
}

/** The default windows: 5 min for group, guild channel and DM, 60 min for C2C; 5 replies per group message, 4 per C2C one. */
export const REPLY_WINDOWS = replyWindows()

type Data = Record<string, unknown> & { author?: Record<string, unknown> }

const str = nonEmptyString

/** Where a reply goes, or which fields of the payload a reply needs and did not find. */
export type ReplyRoute = { target: ReplyTarget; missing?: undefined } | { target?: undefined; missing: string[] }

/** Works out where a reply to `event` goes (docs/protocol.md, events and sends), or `undefined` when it has no reply target. */
export function replyTargetOf(
  event: DispatchedEvent,
  windows: Readonly<Record<ReplyScene, ReplyWindow>> = REPLY_WINDOWS,
): ReplyTarget | undefined {
  return replyRouteOf(event, windows)?.target
}

/**
 * Like {@link replyTargetOf}, but for an event that can be answered and whose payload lacks what the answer
 * needs, it names the missing fields (`['group_openid']`) so the error can say exactly that.
 */
export function replyRouteOf(
  event: DispatchedEvent,
  windows: Readonly<Record<ReplyScene, ReplyWindow>> = REPLY_WINDOWS,
): ReplyRoute | undefined {
  const d = (event.data !== null && typeof event.data === 'object' ? event.data : {}) as Data
  const route = (
    scene: ReplyScene,
    target: readonly [field: string, value: unknown],
    kind: 'msg_id' | 'event_id',
    reference: readonly [field: string, value: unknown],
  ): ReplyRoute => {
    const targetId = str(target[1])
    const id = str(reference[1])
    if (targetId && id) return { target: { scene, targetId, reference: { kind, id }, window: windows[scene] } }
    return { missing: [...(targetId ? [] : [target[0]]), ...(id ? [] : [reference[0]])] }
  }
  const message = ['id', d.id] as const
  const eventId = ['the event id', event.id] as const
  switch (event.name) {
    case 'AT_MESSAGE_CREATE':
    case 'MESSAGE_CREATE':
      return route('channel', ['channel_id', d.channel_id], 'msg_id', message)
    case 'DIRECT_MESSAGE_CREATE':
      return route('dm', ['guild_id', d.guild_id], 'msg_id', message)
    case 'GROUP_AT_MESSAGE_CREATE':
    case 'GROUP_MESSAGE_CREATE':
      return route('group', ['group_openid', d.group_openid], 'msg_id', message)
    case 'C2C_MESSAGE_CREATE':
      return route('c2c', ['author.user_openid', d.author?.user_openid], 'msg_id', message)
    case 'GROUP_ADD_ROBOT':
    case 'GROUP_MSG_RECEIVE':
    case 'GROUP_MEMBER_ADD':
      return route('group', ['group_openid', d.group_openid], 'event_id', eventId)
    case 'FRIEND_ADD':
    case 'C2C_MSG_RECEIVE':
      return route('c2c', ['openid', d.openid], 'event_id', eventId)
    case 'INTERACTION_CREATE': {
      const interactionId = ['id', str(d.id) ?? event.id] as const
      const chatType = interactionChatType(d)
      if (chatType === 1) return route('group', ['group_openid', d.group_openid], 'event_id', interactionId)
      if (chatType === 2) return route('c2c', ['user_openid', d.user_openid], 'event_id', interactionId)
      return route('channel', ['channel_id', d.channel_id], 'event_id', interactionId)
    }
    default:
      return undefined
  }
}
