import type { InteractionPayload } from './payloads.js'
import { nonEmptyString } from '../util/non-empty.js'

const text = nonEmptyString

/** 0 guild, 1 group, 2 C2C: from `chat_type`, else from `scene`, else from which scene id the payload carries. */
export function interactionChatType(d: Readonly<Record<string, unknown>> | InteractionPayload): 0 | 1 | 2 {
  const { chat_type: chatType, scene } = d as Record<string, unknown>
  if (chatType === 0 || chatType === 1 || chatType === 2) return chatType
  if (scene === 'group') return 1
  if (scene === 'c2c') return 2
  if (scene === 'guild') return 0
  if (text((d as Record<string, unknown>).group_openid)) return 1
  if (text((d as Record<string, unknown>).user_openid)) return 2
  return 0
}

/**
 * Who clicked: the field depends on the scene (guild `data.resolved.user_id`, group `group_member_openid`,
 * C2C `user_openid`). Falls back to whichever of them is present when the scene's own field is missing.
 */
export function interactionUserId(d: InteractionPayload): string | undefined {
  const guildUser = text(d.data?.resolved?.user_id)
  const member = text(d.group_member_openid)
  const user = text(d.user_openid)
  switch (interactionChatType(d)) {
    case 1:
      return member ?? user ?? guildUser
    case 2:
      return user ?? member ?? guildUser
    default:
      return guildUser ?? member ?? user
  }
}
