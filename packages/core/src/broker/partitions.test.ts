import { describe, expect, it } from 'vitest'
import { c2cMessage, groupAtMessage } from '@qqbot/fake-platform'
import { ConfigError } from '../errors/qqbot-error.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { DEFAULT_PARTITIONS, EventPartitioner, partitionOfKey, resolvePartitions } from './partitions.js'

function dispatched(wire: { t: string; d: unknown }): DispatchedEvent {
  return {
    name: wire.t,
    id: undefined,
    data: wire.d,
    seq: undefined,
    source: 'test',
    shard: undefined,
    receivedAt: 0,
    deliveryId: undefined,
    attempt: 1,
  }
}

describe('partitions', () => {
  it('GIVEN the option THEN true is the default count, a count is kept, nothing is 0 and a bad value a ConfigError', () => {
    expect(resolvePartitions(true)).toBe(DEFAULT_PARTITIONS)
    expect(resolvePartitions(undefined)).toBe(DEFAULT_PARTITIONS)
    expect(resolvePartitions(false)).toBe(0)
    expect(resolvePartitions(4)).toBe(4)
    for (const bad of [0, -1, 1.5, 5_000]) expect(() => resolvePartitions(bad)).toThrow(ConfigError)
  })

  it('GIVEN a key THEN its partition is stable (pinned values) and keys spread over every partition', () => {
    expect(partitionOfKey('group:g1:u1', 16)).toBe(partitionOfKey('group:g1:u1', 16))
    // Pinned: a change of the hash would move every key to another worker during a rolling upgrade.
    expect([partitionOfKey('', 16), partitionOfKey('a', 16), partitionOfKey('c2c:u1:u1', 16)]).toEqual([11, 3, 3])
    const used = new Set(Array.from({ length: 400 }, (_, i) => partitionOfKey(`c2c:u${i}:u${i}`, 16)))
    expect(used.size).toBe(16)
  })

  it('GIVEN events of one user in one chat THEN they share a partition; the chat order puts the whole chat in one', () => {
    const byUser = new EventPartitioner(16, 'user-in-chat')
    const mine = [1, 2, 3].map(() =>
      byUser.partitionOf(dispatched(groupAtMessage({ content: 'hi', groupOpenid: 'g1', memberOpenid: 'alice' }))),
    )
    expect(new Set(mine).size).toBe(1)
    const members = Array.from({ length: 50 }, (_, i) =>
      byUser.partitionOf(dispatched(groupAtMessage({ content: 'hi', groupOpenid: 'g1', memberOpenid: `m${i}` }))),
    )
    expect(new Set(members).size).toBeGreaterThan(1)
    const byChat = new EventPartitioner(16, 'chat')
    const chat = Array.from({ length: 50 }, (_, i) =>
      byChat.partitionOf(dispatched(groupAtMessage({ content: 'hi', groupOpenid: 'g1', memberOpenid: `m${i}` }))),
    )
    expect(new Set(chat).size).toBe(1)
    expect(byUser.partitionOf(dispatched(c2cMessage({ content: 'hi', userOpenid: 'bob' })))).toBe(
      partitionOfKey('c2c:bob:bob', 16),
    )
  })

  it('GIVEN events without a key (order none) THEN they are spread over the partitions in turn', () => {
    const none = new EventPartitioner(4, 'none')
    const parts = Array.from({ length: 8 }, () =>
      none.partitionOf(dispatched(c2cMessage({ content: 'hi', userOpenid: 'bob' }))),
    )
    expect(new Set(parts).size).toBe(4)
  })
})
