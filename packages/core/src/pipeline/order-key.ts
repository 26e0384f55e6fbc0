import { ConfigError } from '../errors/qqbot-error.js'
import { chatOf, sceneOf, senderOf, type SceneEvent } from '../events/scene.js'
import type { DispatchedEvent } from './dispatched-event.js'

/**
 * Names the line an event waits in: events with the same key are handled one at a time, in the order they
 * arrived; `undefined` lets the event run as soon as a handler slot is free. Called once per event, before it
 * is queued, so it must be fast and synchronous.
 */
export type OrderKeyFunction = (event: DispatchedEvent) => string | undefined

/**
 * Which events wait for each other (`ClientOptions.pipeline.order`):
 * - `'user-in-chat'` (default): one user in one chat, the line a `ctx.prompt()` waits on. A busy group is not
 *   serialised: only each member's own events are.
 * - `'chat'`: every event of one chat (a channel, a group, a C2C chat, a guild's DMs), whoever sent it.
 * - `'none'`: no order; every event runs as soon as a handler slot is free.
 * - a function of your own (see {@link OrderKeyFunction}).
 *
 * Events without a chat or sender (guild, forum and audio events, a bot removed from a group in `'user-in-chat'`)
 * have no key and are never held.
 */
export type EventOrder = 'user-in-chat' | 'chat' | 'none' | OrderKeyFunction

/**
 * The key of `event` for the built-in orders: `scene:chat:user` (the key `ctx.prompt()` waits on) or
 * `scene:chat`. Shared by everything that keeps one key's events in line, in one process or across several.
 */
export function orderKeyOf(event: SceneEvent, order: 'user-in-chat' | 'chat'): string | undefined {
  const scene = sceneOf(event)
  const chat = scene && chatOf(event)
  if (!chat) return undefined
  if (order === 'chat') return `${scene}:${chat}`
  const user = senderOf(event)
  return user ? `${scene}:${chat}:${user}` : undefined
}

/** The key function for `order`, or `undefined` for `'none'`; a ConfigError names an unknown order. */
export function orderKeyFunction(order: EventOrder = 'user-in-chat'): OrderKeyFunction | undefined {
  if (typeof order === 'function') return order
  switch (order) {
    case 'none':
      return undefined
    case 'user-in-chat':
    case 'chat':
      return (event) => orderKeyOf(event, order)
    default:
      throw new ConfigError(
        `pipeline.order must be 'user-in-chat', 'chat', 'none' or a function returning the key; got ${JSON.stringify(order)}.`,
      )
  }
}
