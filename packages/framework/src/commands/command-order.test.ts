import { describe, expect, it } from 'vitest'
import type { DispatchedEvent, EventOrder, OrderKeyFunction } from '@qqbot/core'
import type { CommandDefinition, CommandOptions } from '../metadata/controller-metadata.js'
import type { PrefixResolver } from '../bot/bot-options.js'
import { commandAwareOrder } from './command-order.js'
import { CommandRegistry } from './command-registry.js'
import { CommandRouter } from './command-router.js'

class Commands {}

function command(name: string, options: CommandOptions = {}): CommandDefinition {
  return { method: name, name, options, params: [], guards: [] }
}

/** `status` (alias `st`) opted out of order, `seq` in line. */
function orderFor(order: EventOrder | undefined, prefixesFor: PrefixResolver = () => ['/'], optOut = true) {
  const registry = new CommandRegistry(true, '/')
  registry.add(Commands.prototype, command('status', { ordered: !optOut, aliases: ['st'] }), undefined)
  registry.add(Commands.prototype, command('seq'), undefined)
  const router = new CommandRouter(registry, {
    prefixOptionalInDirect: true,
    caseInsensitive: true,
    didYouMean: undefined,
  })
  return commandAwareOrder(order, registry, router, { prefixesFor })
}

function groupMessage(content: string, member = 'alice'): DispatchedEvent {
  return {
    name: 'GROUP_AT_MESSAGE_CREATE',
    id: undefined,
    data: { id: 'm1', content: ` ${content}`, group_openid: 'g1', author: { member_openid: member } },
    seq: undefined,
    source: 'test',
    shard: undefined,
    receivedAt: 0,
    deliveryId: 'm:m1',
    attempt: 1,
  }
}

function keyOf(order: EventOrder, event: DispatchedEvent): string | undefined {
  expect(typeof order).toBe('function')
  return (order as OrderKeyFunction)(event)
}

describe('commandAwareOrder', () => {
  it('GIVEN a command with ordered: false THEN its messages (by name or alias) get no key; other messages keep the bot’s key', () => {
    const order = orderFor(undefined)
    expect(keyOf(order, groupMessage('/status'))).toBeUndefined()
    expect(keyOf(order, groupMessage('/ST now'))).toBeUndefined()
    expect(keyOf(order, groupMessage('/seq 1'))).toBe('group:g1:alice')
    expect(keyOf(order, groupMessage('hello'))).toBe('group:g1:alice')
  })

  it("GIVEN the bot's order THEN ordered messages keep that order's key, and 'none' stays none", () => {
    expect(keyOf(orderFor('chat'), groupMessage('/seq 1'))).toBe('group:g1')
    expect(
      keyOf(
        orderFor(() => 'everything'),
        groupMessage('/seq 1'),
      ),
    ).toBe('everything')
    expect(
      keyOf(
        orderFor(() => 'everything'),
        groupMessage('/status'),
      ),
    ).toBeUndefined()
    expect(orderFor('none')).toBe('none')
  })

  it('GIVEN a prefix resolver that answers with a promise or throws THEN the message stays in line (and is not asked when no command opted out)', async () => {
    let asked = 0
    const rejecting: PrefixResolver = () => (asked++, Promise.reject(new Error('database down')))
    expect(keyOf(orderFor(undefined, rejecting), groupMessage('/status'))).toBe('group:g1:alice')
    const throwing: PrefixResolver = () => {
      asked++
      throw new Error('no prefixes')
    }
    expect(keyOf(orderFor(undefined, throwing), groupMessage('/status'))).toBe('group:g1:alice')
    expect(asked).toBe(2)
    expect(keyOf(orderFor(undefined, throwing, false), groupMessage('/status'))).toBe('group:g1:alice')
    expect(asked).toBe(2)
    // the rejected promise was handled: nothing reaches unhandledRejection
    await new Promise((resolve) => setImmediate(resolve))
  })
})
