import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import type { ReplyWindow } from './msg-seq-allocator.js'

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
 * C2C allows only 4 (protocol-2026.md §9), so C2C defaults to the stricter 4 until that is settled.
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

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined)

/** Works out where a reply to `event` goes (protocol.md §4–5), or `undefined` when it has no reply target. */
export function replyTargetOf(event: DispatchedEvent, windows: Readonly<Record<ReplyScene, ReplyWindow>> = REPLY_WINDOWS): ReplyTarget | undefined {
  const d = (event.data ?? {}) as Data
  const messageId = str(d.id)
  const eventId = event.id
  const target = (scene: ReplyScene, targetId: string | undefined, kind: 'msg_id' | 'event_id', id: string | undefined): ReplyTarget | undefined =>
    targetId && id ? { scene, targetId, reference: { kind, id }, window: windows[scene] } : undefined
  switch (event.name) {
    case 'AT_MESSAGE_CREATE':
    case 'MESSAGE_CREATE':
      return target('channel', str(d.channel_id), 'msg_id', messageId)
    case 'DIRECT_MESSAGE_CREATE':
      return target('dm', str(d.guild_id), 'msg_id', messageId)
    case 'GROUP_AT_MESSAGE_CREATE':
    case 'GROUP_MESSAGE_CREATE':
      return target('group', str(d.group_openid), 'msg_id', messageId)
    case 'C2C_MESSAGE_CREATE':
      return target('c2c', str(d.author?.user_openid), 'msg_id', messageId)
    case 'GROUP_ADD_ROBOT':
    case 'GROUP_MSG_RECEIVE':
      return target('group', str(d.group_openid), 'event_id', eventId)
    case 'FRIEND_ADD':
    case 'C2C_MSG_RECEIVE':
      return target('c2c', str(d.openid), 'event_id', eventId)
    case 'INTERACTION_CREATE': {
      const interactionId = str(d.id) ?? eventId
      const chatType = d.chat_type ?? sceneToChatType(d.scene)
      if (chatType === 1) return target('group', str(d.group_openid), 'event_id', interactionId)
      if (chatType === 2) return target('c2c', str(d.user_openid), 'event_id', interactionId)
      return target('channel', str(d.channel_id), 'event_id', interactionId)
    }
    default:
      return undefined
  }
}

function sceneToChatType(scene: unknown): number | undefined {
  return scene === 'group' ? 1 : scene === 'c2c' ? 2 : scene === 'guild' ? 0 : undefined
}
