import type { Scene } from '@qqbot/core'

/** A message as the platform delivers it: the event name and its `d` payload. */
export interface MessageEvent {
  name: string
  data: Record<string, unknown>
}

/** Who says what where. `chat` is the group openid, channel id or DM guild id (unused in C2C). */
export interface MessageInit {
  scene: Scene
  id: string
  userId: string
  content: string
  chat?: string
  /** Guild channels: the guild id. */
  guildId?: string
  /** Guild channels: the author's role ids (admin guards read them). */
  roles?: string[]
  /** Guild channels: the bot id the @mention names. */
  botId: string
}

/** The message event a user's text arrives as in each scene (group and guild @-messages, C2C, guild DM). */
export function messageEvent(init: MessageInit): MessageEvent {
  const { id, userId, content } = init
  const timestamp = new Date().toISOString()
  switch (init.scene) {
    case 'group':
      return {
        name: 'GROUP_AT_MESSAGE_CREATE',
        data: {
          id,
          content: ` ${content}`,
          timestamp,
          group_openid: init.chat ?? 'test-group',
          author: { member_openid: userId },
        },
      }
    case 'c2c':
      return { name: 'C2C_MESSAGE_CREATE', data: { id, content, timestamp, author: { user_openid: userId } } }
    case 'guild':
      return {
        name: 'AT_MESSAGE_CREATE',
        data: {
          id,
          content: `<@!${init.botId}> ${content}`,
          timestamp,
          channel_id: init.chat ?? 'test-channel',
          guild_id: init.guildId ?? 'test-guild',
          author: { id: userId, username: userId },
          member: { roles: init.roles ?? [] },
        },
      }
    case 'dm': {
      const guildId = init.chat ?? `dm-${userId}`
      return {
        name: 'DIRECT_MESSAGE_CREATE',
        data: {
          id,
          content,
          timestamp,
          guild_id: guildId,
          channel_id: `${guildId}-c`,
          direct_message: true,
          author: { id: userId, username: userId },
        },
      }
    }
  }
}

/** The text of a message body the bot sent, for assertions: `content`, the markdown's content, or a stream's final text. */
export function bodyText(body: Record<string, unknown>): string | undefined {
  const markdown = body.markdown as { content?: string } | undefined
  // A finished stream is recorded as its final frame, whose text is `content_raw`.
  const streamed = typeof body.content_raw === 'string' ? body.content_raw : undefined
  return (body.content as string | undefined) ?? markdown?.content ?? streamed
}
