import type { MessageEventName, Scene } from '@qqbot/core'
import {
  DEFAULT_GROUP_OPENID,
  SEEDED_CHANNEL_IDS,
  SEEDED_GUILD_ID,
  c2cMessage,
  directMessage,
  groupAtMessage,
  guildAtMessage,
  interaction,
  type BuiltEvent,
} from '@qqbot/fake-platform'
import type { SandboxUser } from './users.js'

/** How the page names each scene, and the event a message typed there becomes (see {@link messageEvent}). */
export const SCENE_LABELS: Readonly<Record<Scene, { label: string; event: MessageEventName }>> = {
  guild: { label: 'Guild channel', event: 'AT_MESSAGE_CREATE' },
  dm: { label: 'Guild DM', event: 'DIRECT_MESSAGE_CREATE' },
  group: { label: 'Group', event: 'GROUP_AT_MESSAGE_CREATE' },
  c2c: { label: 'C2C', event: 'C2C_MESSAGE_CREATE' },
}

/** One chat: the shared guild channel, the shared group, or a DM/C2C chat with one user. */
export interface ConversationInfo {
  /** `<scene>:<target>`, the same key the bot's replies land under (`group:GROUP_OPENID_0001`). */
  id: string
  scene: Scene
  title: string
  /** The user a DM or C2C chat belongs to. */
  owner?: string
}

const CHANNEL_ID = SEEDED_CHANNEL_IDS[0]
const GROUP_OPENID = DEFAULT_GROUP_OPENID

/** The chat `user` talks in when they pick `scene`. */
export function conversationFor(scene: Scene, user: SandboxUser): ConversationInfo {
  switch (scene) {
    case 'guild':
      return { id: `guild:${CHANNEL_ID}`, scene, title: '#general (guild channel)' }
    case 'dm':
      return { id: `dm:${dmGuildId(user)}`, scene, title: `Guild DM with ${user.name}`, owner: user.name }
    case 'group':
      return { id: `group:${GROUP_OPENID}`, scene, title: 'Group chat' }
    case 'c2c':
      return { id: `c2c:${user.userOpenid}`, scene, title: `C2C with ${user.name}`, owner: user.name }
  }
}

/**
 * The chat a message the bot sent belongs to. A guild-scene interaction from a DM is answered in the DM's
 * channel (`guild:dm-channel-X`), which is the DM `dm:dms-X`.
 */
export function conversationIdOfSent(scene: Scene, target: string): string {
  const dmChannel = /^dm-channel-(.+)$/.exec(target)
  if (scene === 'guild' && dmChannel) return `dm:dms-${dmChannel[1]}`
  return `${scene}:${target}`
}

/** The gateway event a typed message becomes: an @bot message in the guild channel and the group. */
export function messageEvent(scene: Scene, user: SandboxUser, text: string, botId: string): BuiltEvent {
  switch (scene) {
    case 'guild':
      return guildAtMessage({
        content: text,
        channelId: CHANNEL_ID,
        guildId: SEEDED_GUILD_ID,
        authorId: user.guildUserId,
        username: user.name,
        botId,
      })
    case 'dm':
      return directMessage({
        content: text,
        authorId: user.guildUserId,
        username: user.name,
        guildId: dmGuildId(user),
        srcGuildId: SEEDED_GUILD_ID,
      })
    case 'group':
      return groupAtMessage({ content: text, groupOpenid: GROUP_OPENID, memberOpenid: user.memberOpenid })
    case 'c2c':
      return c2cMessage({ content: text, userOpenid: user.userOpenid })
  }
}

/** The INTERACTION_CREATE a click on a callback button becomes, in the scene of the chat that shows it. */
export function interactionEvent(
  conversation: ConversationInfo,
  user: SandboxUser,
  button: { id: string; data: string },
  messageId: string,
): BuiltEvent {
  const common = { buttonData: button.data, buttonId: button.id, messageId }
  switch (conversation.scene) {
    case 'guild':
      return interaction({
        ...common,
        scene: 'guild',
        guildId: SEEDED_GUILD_ID,
        channelId: CHANNEL_ID,
        userId: user.guildUserId,
      })
    case 'dm':
      return interaction({
        ...common,
        scene: 'guild',
        guildId: dmGuildId(user),
        channelId: `dm-channel-${user.guildUserId}`,
        userId: user.guildUserId,
      })
    case 'group':
      return interaction({ ...common, scene: 'group', groupOpenid: GROUP_OPENID, memberOpenid: user.memberOpenid })
    case 'c2c':
      return interaction({ ...common, scene: 'c2c', userOpenid: user.userOpenid })
  }
}

function dmGuildId(user: SandboxUser): string {
  return `dms-${user.guildUserId}`
}
