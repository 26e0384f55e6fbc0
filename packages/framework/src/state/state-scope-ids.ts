import { chatOf, senderOf, sceneOf, type SceneEvent } from '@qqbot/core'
import type { StateScope } from './state-definition.js'

/**
 * The id of each scope for one event, as it appears in storage keys: the sender (`user`), the scene and chat
 * (`chat`, e.g. `group:<group_openid>`; the scene keeps a C2C chat and a DM apart), and the guild of a guild
 * channel or of a guild-wide event (`guild`). A scope the event has no id for is left out.
 */
export function scopeIdsOf(event: SceneEvent): { [K in StateScope]?: string } {
  const ids: { [K in StateScope]?: string } = {}
  const user = senderOf(event)
  if (user) ids.user = user
  const scene = sceneOf(event)
  const chat = chatOf(event)
  if (scene && chat) ids.chat = `${scene}:${chat}`
  const guild = (event.data as { guild_id?: unknown } | null | undefined)?.guild_id
  // A DM's guild_id names the DM, not a guild; only guild channels and guild-wide events (no scene) count.
  if ((scene === 'guild' || scene === undefined) && typeof guild === 'string' && guild !== '') ids.guild = guild
  return ids
}
