/**
 * Where an event happened and who caused it: the one scene vocabulary every package uses (the command layer,
 * reply routing, the test kit, the sandbox and the fake platform). See docs/protocol.md (events and sends).
 */
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { nonEmptyString } from '../util/non-empty.js'
import { isMessageEvent, type KnownEventName, type MessageEventName } from './event-names.js'
import { interactionChatType, interactionUserId } from './interactions.js'
import type { InteractionPayload } from './payloads.js'

/**
 * Where a user talks to the bot: a guild text channel (`guild`), a guild direct message (`dm`), a QQ group
 * (`group`) or a one-to-one chat (`c2c`). Commands are limited with it (`@Command(name, { scenes: ['group'] })`),
 * replies go to its endpoint, and the fake platform records sent messages under it.
 */
export type Scene = 'guild' | 'dm' | 'group' | 'c2c'

/** Every scene, in the order help texts and the sandbox list them. */
export const SCENES: readonly Scene[] = Object.freeze(['guild', 'dm', 'group', 'c2c'] as const)

/** Whether `value` is one of the four {@link Scene} names (for validating input such as a page's `scene` field). */
export function isScene(value: unknown): value is Scene {
  return (SCENES as readonly unknown[]).includes(value)
}

/**
 * The scene of every event whose name alone decides it: the six message events, and the group and C2C events
 * (bot added or removed, proactive messages toggled, members joining, friends, the chat window opened). Guild,
 * forum and audio events other than messages have no scene. INTERACTION_CREATE is placed by its payload.
 */
const EVENT_SCENES: { readonly [N in MessageEventName]: Scene } & { readonly [N in KnownEventName]?: Scene } = {
  AT_MESSAGE_CREATE: 'guild',
  MESSAGE_CREATE: 'guild',
  DIRECT_MESSAGE_CREATE: 'dm',
  GROUP_AT_MESSAGE_CREATE: 'group',
  GROUP_MESSAGE_CREATE: 'group',
  C2C_MESSAGE_CREATE: 'c2c',
  GROUP_ADD_ROBOT: 'group',
  GROUP_DEL_ROBOT: 'group',
  GROUP_MSG_REJECT: 'group',
  GROUP_MSG_RECEIVE: 'group',
  GROUP_MEMBER_ADD: 'group',
  GROUP_MEMBER_REMOVE: 'group',
  GROUP_MEMBER_UPDATE: 'group',
  GROUP_JOIN_REQUEST: 'group',
  FRIEND_ADD: 'c2c',
  FRIEND_DEL: 'c2c',
  C2C_MSG_REJECT: 'c2c',
  C2C_MSG_RECEIVE: 'c2c',
  ENTER_AIO: 'c2c',
}

const SCENE_BY_NAME: ReadonlyMap<string, Scene> = new Map(Object.entries(EVENT_SCENES))

const INTERACTION_SCENES = ['guild', 'group', 'c2c'] as const

/** An event as the scene functions read it: its name and payload (a `DispatchedEvent`, or a guard's `ctx.event`). */
export type SceneEvent = Pick<DispatchedEvent, 'name' | 'data'>

type Data = Record<string, unknown> & { author?: Record<string, unknown> }

function dataOf(event: SceneEvent): Data {
  return (event.data !== null && typeof event.data === 'object' ? event.data : {}) as Data
}

/**
 * The scene `event` happened in, or `undefined` when it has none (guild member, forum and audio events, …).
 * An interaction is placed by its payload (`chat_type`, else `scene`, else the ids it carries; a button in a
 * guild DM is a `guild` interaction). A bare event name works for every event but INTERACTION_CREATE.
 */
export function sceneOf(event: SceneEvent | string): Scene | undefined {
  if (typeof event === 'string') return SCENE_BY_NAME.get(event)
  if (event.name === 'INTERACTION_CREATE') return INTERACTION_SCENES[interactionChatType(dataOf(event))]
  return SCENE_BY_NAME.get(event.name)
}

/**
 * Who sent the message or clicked the button: the guild user id (`guild`, `dm`), the group member openid
 * (`group`) or the user openid (`c2c`); each scene's own field first, then whichever of the others the
 * payload carries. For other events, the payload's `author` if it has one; else `undefined`.
 */
export function senderOf(event: SceneEvent): string | undefined {
  const d = dataOf(event)
  if (event.name === 'INTERACTION_CREATE') return interactionUserId(d as unknown as InteractionPayload)
  const author = d.author !== null && typeof d.author === 'object' ? d.author : {}
  const id = nonEmptyString(author.id)
  const member = nonEmptyString(author.member_openid)
  const user = nonEmptyString(author.user_openid)
  switch (sceneOf(event)) {
    case 'group':
      return member ?? id ?? user
    case 'c2c':
      return user ?? id ?? member
    default:
      return id ?? member ?? user
  }
}

/**
 * The chat `event` belongs to, the target a reply goes to: the channel id (`guild`), the DM's guild id (`dm`),
 * the group openid (`group`) or the user's openid (`c2c`). `undefined` when the event has no scene or its
 * payload lacks the id.
 */
export function chatOf(event: SceneEvent): string | undefined {
  const scene = sceneOf(event)
  return scene ? nonEmptyString(chatFieldOf(event, scene)[1]) : undefined
}

/**
 * Where the chat id of `event` sits in a payload of `scene`, and its value there (reply routing names the field
 * when it is missing). Internal: not exported from the package.
 */
export function chatFieldOf(event: SceneEvent, scene: Scene): readonly [field: string, value: unknown] {
  const d = dataOf(event)
  switch (scene) {
    case 'guild':
      return ['channel_id', d.channel_id]
    case 'dm':
      return ['guild_id', d.guild_id]
    case 'group':
      return ['group_openid', d.group_openid]
    case 'c2c':
      if (isMessageEvent(event.name)) return ['author.user_openid', d.author?.user_openid]
      if (event.name === 'INTERACTION_CREATE' || event.name === 'ENTER_AIO') return ['user_openid', d.user_openid]
      return ['openid', d.openid]
  }
}

/**
 * What the user typed or clicked: for a message, its `content` without a leading mention (guild @-messages
 * start with `<@!bot id>`, group @-messages with a space) and trimmed; for a button click, the button's
 * `data.resolved.button_data`. `undefined` for other events, or when the payload has no such text.
 */
export function textOf(event: SceneEvent): string | undefined {
  const d = dataOf(event)
  if (isMessageEvent(event.name))
    return typeof d.content === 'string' ? d.content.replace(/^\s*<@!?\d+>/, '').trim() : undefined
  if (event.name === 'INTERACTION_CREATE') {
    const resolved = (d as unknown as InteractionPayload).data?.resolved
    return typeof resolved?.button_data === 'string' ? resolved.button_data : undefined
  }
  return undefined
}
