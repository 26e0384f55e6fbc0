import type { DispatchedEvent } from '@qqbot/core'
import type { Scene } from '../metadata/controller-metadata.js'

interface MessageData {
  channel_id?: string
  guild_id?: string
  group_openid?: string
  author?: { id?: string; member_openid?: string; user_openid?: string }
}

/** The sender of a message: guild user id, group member openid, or C2C user openid. */
export function senderOf(event: Pick<DispatchedEvent, 'data'>): string | undefined {
  const author = (event.data as MessageData | undefined)?.author
  return author?.id ?? author?.member_openid ?? author?.user_openid
}

/** The chat a message belongs to: the channel, the DM session, the group, or (C2C) the user. */
export function chatOf(scene: Scene, event: Pick<DispatchedEvent, 'data'>): string | undefined {
  const d = (event.data ?? {}) as MessageData
  switch (scene) {
    case 'guild':
      return d.channel_id
    case 'dm':
      return d.guild_id
    case 'group':
      return d.group_openid
    case 'c2c':
      return senderOf(event)
  }
}
