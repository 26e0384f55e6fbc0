import { isMessageEvent, sceneOf, type DispatchedEvent, type EventOrder } from '@qqbot/core'
import { orderKeyFunction } from '@qqbot/core/adapter'
import type { ResolvedBotOptions } from '../bot/bot-options.js'
import { mentionsBot } from '../context/contexts.js'
import type { RegisteredCommand } from './command-registry.js'
import type { CommandRouter } from './command-router.js'

/**
 * The bot's event order (`pipeline.order`, default one user in one chat) with the messages of commands that
 * opted out (`@Command(name, { ordered: false })`) taken out of line: they get no order key, so they run as
 * soon as a handler slot is free, alongside the user's other events. Decided when the message arrives, before
 * it queues: a prefix resolver is asked then as well, and one that answers with a promise (or throws) leaves
 * the message in line.
 */
export function commandAwareOrder(
  order: EventOrder | undefined,
  registry: { all(): readonly RegisteredCommand[] },
  router: Pick<CommandRouter, 'route'>,
  options: Pick<ResolvedBotOptions, 'prefixesFor'>,
): EventOrder {
  const keyOf = orderKeyFunction(order)
  if (!keyOf) return 'none'
  // The commands change only when a plugin is loaded or unloaded: looked at again when the list is a new one.
  let commands: readonly RegisteredCommand[] | undefined
  let someUnordered = false
  return (event) => {
    const now = registry.all()
    if (now !== commands) {
      commands = now
      someUnordered = now.some((command) => command.definition.options.ordered === false)
    }
    return someUnordered && opensUnorderedCommand(event, router, options) ? undefined : keyOf(event)
  }
}

function opensUnorderedCommand(
  event: DispatchedEvent,
  router: Pick<CommandRouter, 'route'>,
  options: Pick<ResolvedBotOptions, 'prefixesFor'>,
): boolean {
  const scene = sceneOf(event)
  const content = (event.data as { content?: unknown }).content
  if (!isMessageEvent(event.name) || !scene || typeof content !== 'string') return false
  let prefixes: string[] | Promise<string[]>
  try {
    prefixes = options.prefixesFor(event, scene)
  } catch {
    return false // the handler asks the resolver again, and reports its failure there
  }
  if (!Array.isArray(prefixes)) {
    prefixes.catch(() => undefined)
    return false
  }
  const route = router.route({ content, scene, prefixes, mentionedByPlatform: mentionsBot(event) })
  return route?.command?.definition.options.ordered === false
}
