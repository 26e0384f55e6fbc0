import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import {
  ConfigError,
  MemoryStateStorage,
  type StateStorage,
  type StateWriteOptions,
  type StoredState,
} from '@qqbot/core'
import { BotState } from './bot-state.js'
import type { StateCell } from './state-cell.js'
import type { StateView } from './event-state.js'
import { defineState } from './state-definition.js'
import { scopeIdsOf } from './state-scope-ids.js'
import { StateConflictError } from '@qqbot/core'
import { StateScopeUnavailableError, StateValidationError } from './state-errors.js'

/** A memory storage that counts what the state layer asks of it. */
class CountingStorage implements StateStorage {
  reads = 0
  writes: { key: string; json: string; options: StateWriteOptions | undefined }[] = []
  readonly inner: MemoryStateStorage

  constructor(now: () => number = Date.now) {
    this.inner = new MemoryStateStorage(now)
  }

  read(key: string): Promise<StoredState | undefined> {
    this.reads++
    return this.inner.read(key)
  }

  async write(key: string, json: string, expected: number, options?: StateWriteOptions): Promise<number | undefined> {
    const version = await this.inner.write(key, json, expected, options)
    if (version !== undefined) this.writes.push({ key, json, options })
    return version
  }

  delete(key: string, expected: number): Promise<boolean> {
    return this.inner.delete(key, expected)
  }
}

const Counter = defineState('counter', {
  user: z.object({ count: z.number().int() }).default({ count: 0 }),
  chat: { schema: z.object({ topic: z.string() }).optional(), ttlMs: 60_000 },
})

const message = (user = 'u1', group = 'g1') => ({
  name: 'GROUP_AT_MESSAGE_CREATE',
  data: { id: 'm1', content: '/x', group_openid: group, author: { member_openid: user } },
})

function setup(storage: StateStorage = new CountingStorage(), maxAttempts = 10) {
  const bot = new BotState({ storage, maxAttempts })
  return { bot, storage, event: (user?: string, group?: string) => bot.forEvent(message(user, group)) }
}

describe('typing', () => {
  it('GIVEN a declaration THEN its view has exactly the declared scopes, typed by their schemas', () => {
    expectTypeOf<keyof StateView<typeof Counter>>().toEqualTypeOf<'user' | 'chat'>()
    expectTypeOf<StateView<typeof Counter>['user']>().toEqualTypeOf<StateCell<{ count: number }>>()
    expectTypeOf<StateView<typeof Counter>['chat']>().toEqualTypeOf<StateCell<{ topic: string } | undefined>>()
  })

  it('GIVEN a migrate hook THEN its result is checked against the scope’s own schema', () => {
    defineState('typed-migrate', {
      user: {
        schema: z.object({ name: z.string() }).default({ name: '?' }),
        // @ts-expect-error `nom` is not the schema's `name`
        migrate: () => ({ nom: 1 }),
      },
    })
  })
})

describe('lazy read, write once', () => {
  it('GIVEN a handler that never touches its state THEN nothing is read or written', async () => {
    const { event, storage } = setup()
    const state = event()
    state.view(Counter)
    await state.save()
    expect((storage as CountingStorage).reads).toBe(0)
    expect((storage as CountingStorage).writes).toEqual([])
  })

  it('GIVEN an event whose handler asks for no view THEN its state is untouched (the bot skips the save), and a view touches it', () => {
    const { event } = setup()
    const state = event()
    expect(state.touched).toBe(false)
    state.view(Counter)
    expect(state.touched).toBe(true)
  })

  it('GIVEN a value read several times and changed in place THEN one read and one write, after the handler', async () => {
    const { event, storage } = setup()
    const counting = storage as CountingStorage
    const state = event()
    const user = await state.view(Counter).user.get()
    expect(user).toEqual({ count: 0 })
    user.count++
    expect(await state.view(Counter).user.get()).toBe(user)
    user.count++
    expect(counting.writes).toEqual([]) // nothing is written while the handler runs
    await state.save()
    await state.save() // saving again writes nothing more: the value is as stored
    expect(counting.reads).toBe(1)
    expect(counting.writes.map((write) => [write.key, JSON.parse(write.json)])).toEqual([
      ['counter:user:u1', { v: 1, value: { count: 2 } }],
    ])
  })

  it('GIVEN a context saved, changed again and saved again (as a mock context may be) THEN each save writes its change', async () => {
    const { event, storage } = setup()
    const state = event()
    const user = await state.view(Counter).user.get()
    user.count = 1
    await state.save()
    user.count = 2
    await state.save()
    expect((storage as CountingStorage).writes.map((write) => JSON.parse(write.json).value)).toEqual([
      { count: 1 },
      { count: 2 },
    ])
  })

  it('GIVEN a value read and left as it was (even the initial one) THEN nothing is written', async () => {
    const { event, storage } = setup()
    const state = event()
    await state.view(Counter).user.get()
    expect(await state.view(Counter).chat.get()).toBeUndefined()
    await state.save()
    expect((storage as CountingStorage).writes).toEqual([])
  })

  it('GIVEN a schema default that a handler mutates THEN the next user still starts from the default', async () => {
    const { event } = setup()
    const first = event('a')
    ;(await first.view(Counter).user.get()).count = 5
    await first.save()
    expect(await event('b').view(Counter).user.get()).toEqual({ count: 0 })
  })
})

describe('no lost updates', () => {
  it('GIVEN 2,000 concurrent update() calls on one key THEN the counter ends at exactly 2,000', async () => {
    const { event, storage } = setup(new MemoryStateStorage())
    await Promise.all(
      Array.from({ length: 2_000 }, () =>
        event()
          .view(Counter)
          .user.update((s) => ({ count: s.count + 1 })),
      ),
    )
    expect(JSON.parse((await storage.read('counter:user:u1'))!.json).value).toEqual({ count: 2_000 })
  })

  it('GIVEN three bots (three processes) on one slow storage updating one key THEN compare-and-set retries lose nothing', async () => {
    const inner = new MemoryStateStorage()
    let conflicts = 0
    const turn = () => new Promise((resolve) => setImmediate(resolve)) // a round trip: the others move meanwhile
    const shared: StateStorage = {
      read: async (key) => (await turn(), inner.read(key)),
      write: async (key, json, expected, options) => {
        await turn()
        const version = await inner.write(key, json, expected, options)
        if (version === undefined) conflicts++
        return version
      },
      delete: (key, expected) => inner.delete(key, expected),
    }
    const processes = [setup(shared), setup(shared), setup(shared)]
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        processes[i % 3]!.event()
          .view(Counter)
          .user.update((s) => ({ count: s.count + 1 })),
      ),
    )
    expect(conflicts).toBeGreaterThan(0) // the retry path ran
    expect(JSON.parse((await inner.read('counter:user:u1'))!.json).value).toEqual({ count: 300 })
  })

  it('GIVEN another event wrote between this handler’s read and its save THEN the save fails with StateConflictError and the other write stays', async () => {
    const { event, storage } = setup()
    const slow = event()
    const value = await slow.view(Counter).user.get()
    await event()
      .view(Counter)
      .user.update(() => ({ count: 10 }))
    value.count = 1
    const error = await slow.save().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StateConflictError)
    expect((error as StateConflictError).code).toBe('STATE_CONFLICT')
    expect((error as Error).message).toContain('counter.user (key counter:user:u1)')
    expect((error as Error).message).toContain('ctx.state.user.update(')
    expect(JSON.parse((await storage.read('counter:user:u1'))!.json).value).toEqual({ count: 10 })
  })

  it('GIVEN set() without a read THEN the value is written over whatever is stored', async () => {
    const { event, storage } = setup()
    await event()
      .view(Counter)
      .user.update(() => ({ count: 3 }))
    const state = event()
    state.view(Counter).user.set({ count: 42 })
    await state.save()
    expect(JSON.parse((await storage.read('counter:user:u1'))!.json).value).toEqual({ count: 42 })
  })

  it('GIVEN update() when a competing process always wins THEN it gives up after maxAttempts with StateConflictError', async () => {
    const inner = new MemoryStateStorage()
    // Another process writes the key between every read and write of ours.
    const contested: StateStorage = {
      read: (key) => inner.read(key),
      write: async (key, json, expected, options) => {
        const stored = await inner.read(key)
        await inner.write(key, '{"v":1,"value":{"count":99}}', stored?.version ?? 0)
        return inner.write(key, json, expected, options)
      },
      delete: (key, expected) => inner.delete(key, expected),
    }
    const { event } = setup(contested, 3)
    await expect(
      event()
        .view(Counter)
        .user.update((s) => ({ count: s.count + 1 })),
    ).rejects.toThrow(/update\(\) tried 3 times/)
  })

  it('GIVEN update() after changing the value in place THEN both are saved together, once', async () => {
    const { event, storage } = setup()
    const state = event()
    const cell = state.view(Counter).user
    ;(await cell.get()).count = 5
    expect(await cell.update((s) => ({ count: s.count + 1 }))).toEqual({ count: 6 })
    await state.save()
    expect((storage as CountingStorage).writes).toHaveLength(1)
  })

  it('GIVEN update() after an in-place change, when another event wrote meanwhile THEN StateConflictError at once, and the other write stays', async () => {
    const { event, storage } = setup()
    const cell = event().view(Counter).user
    ;(await cell.get()).count = 5
    await event()
      .view(Counter)
      .user.update(() => ({ count: 10 }))
    await expect(cell.update((s) => ({ count: s.count + 1 }))).rejects.toThrow(
      /update\(\) ran on a value this handler had changed/,
    )
    expect(JSON.parse((await storage.read('counter:user:u1'))!.json).value).toEqual({ count: 10 })
  })

  it('GIVEN a handler that changes an object it read before update() THEN the save refuses instead of losing it', async () => {
    const { event } = setup()
    const state = event()
    const cell = state.view(Counter).user
    const before = await cell.get()
    await cell.update((s) => ({ count: s.count + 1 }))
    before.count = 100
    await expect(state.save()).rejects.toBeInstanceOf(StateConflictError)
  })

  it('GIVEN delete() THEN the stored value is gone and the cell starts over', async () => {
    const { event, storage } = setup()
    await event()
      .view(Counter)
      .user.update(() => ({ count: 7 }))
    const cell = event().view(Counter).user
    await cell.delete()
    expect(await storage.read('counter:user:u1')).toBeUndefined()
    expect(await cell.get()).toEqual({ count: 0 })
  })
})

describe('validation and migration', () => {
  const V2 = defineState('profile', {
    user: {
      schema: z.object({ name: z.string(), visits: z.number() }).default({ name: '?', visits: 0 }),
      version: 2,
      migrate: (old) => ({ name: (old as { nick: string }).nick, visits: 0 }),
    },
  })

  it('GIVEN a stored value that does not validate and no migrate THEN StateValidationError names key, scope and field', async () => {
    const { event, storage } = setup()
    await storage.write('counter:user:u1', '{"v":1,"value":{"count":"many"}}', 0)
    const error = await event()
      .view(Counter)
      .user.get()
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StateValidationError)
    const invalid = error as StateValidationError
    expect(invalid.code).toBe('STATE_INVALID')
    expect([invalid.namespace, invalid.scope, invalid.key]).toEqual(['counter', 'user', 'counter:user:u1'])
    expect(invalid.issues).toHaveLength(1)
    expect(invalid.issues[0]).toMatch(/^count: .*number/)
    expect(invalid.message).toContain('migrate')
    expect(invalid.message).not.toContain('"code"') // readable lines, not zod's JSON dump
  })

  it('GIVEN text that is not a stored envelope THEN StateValidationError, not a crash', async () => {
    const { event, storage } = setup()
    await storage.write('counter:user:u1', 'not json', 0)
    await expect(event().view(Counter).user.get()).rejects.toBeInstanceOf(StateValidationError)
  })

  it('GIVEN a value stored at an older version and a migrate hook THEN it is migrated, and written back after the handler', async () => {
    const { event, storage } = setup()
    await storage.write('profile:user:u1', '{"v":1,"value":{"nick":"Ann"}}', 0)
    const state = event()
    expect(await state.view(V2).user.get()).toEqual({ name: 'Ann', visits: 0 })
    await state.save()
    expect(JSON.parse((await storage.read('profile:user:u1'))!.json)).toEqual({
      v: 2,
      value: { name: 'Ann', visits: 0 },
    })
  })

  it('GIVEN a migrate hook whose result does not validate THEN StateValidationError says so', async () => {
    const { event, storage } = setup()
    await storage.write('profile:user:u1', '{"v":1,"value":{"nick":7}}', 0)
    await expect(event().view(V2).user.get()).rejects.toThrow(/after migrate \(from version 1\).*name/)
  })

  it('GIVEN a value stored by a newer schema version THEN it is refused, not migrated', async () => {
    const { event, storage } = setup()
    await storage.write('profile:user:u1', '{"v":3,"value":{}}', 0)
    await expect(event().view(V2).user.get()).rejects.toThrow(/newer schema.*stored at version 3, this bot knows 2/)
  })

  it('GIVEN a handler that sets a value its schema refuses THEN the save throws and nothing is written', async () => {
    const { event, storage } = setup()
    const state = event()
    state.view(Counter).user.set({ count: 1.5 })
    await expect(state.save()).rejects.toThrow(/cannot be saved.*count/)
    expect((storage as CountingStorage).writes).toEqual([])
  })
})

describe('scopes, TTL and namespaces', () => {
  it('GIVEN a scope with ttlMs THEN each write carries it, and the value is forgotten when it runs out', async () => {
    let now = 1_000
    const storage = new CountingStorage(() => now)
    const { event } = setup(storage)
    const state = event()
    state.view(Counter).chat.set({ topic: 'cats' })
    await state.save()
    expect(storage.writes.map((write) => [write.key, write.options])).toEqual([
      ['counter:chat:group:g1', { ttlMs: 60_000 }],
    ])
    now += 59_999
    expect(await event().view(Counter).chat.get()).toEqual({ topic: 'cats' })
    now += 1
    expect(await event().view(Counter).chat.get()).toBeUndefined()
  })

  it('GIVEN two declarations with the same field names THEN their values are kept apart', async () => {
    const Other = defineState('other', { user: z.object({ count: z.number() }).default({ count: 0 }) })
    const { event } = setup()
    await event()
      .view(Counter)
      .user.update(() => ({ count: 1 }))
    await event()
      .view(Other)
      .user.update(() => ({ count: 2 }))
    expect(await event().view(Counter).user.get()).toEqual({ count: 1 })
    expect(await event().view(Other).user.get()).toEqual({ count: 2 })
  })

  it('GIVEN two different declarations with one namespace THEN the bot refuses the second', () => {
    const again = defineState('counter', { user: z.number().default(0) })
    const { event } = setup()
    event().view(Counter)
    expect(() => event().view(again)).toThrow(ConfigError)
  })

  it('GIVEN one user in two groups THEN user state is shared and chat state is not', async () => {
    const { event } = setup()
    await event('u1', 'g1')
      .view(Counter)
      .user.update(() => ({ count: 4 }))
    await event('u1', 'g1')
      .view(Counter)
      .chat.update(() => ({ topic: 'g1 topic' }))
    const elsewhere = event('u1', 'g2').view(Counter)
    expect(await elsewhere.user.get()).toEqual({ count: 4 })
    expect(await elsewhere.chat.get()).toBeUndefined()
  })

  it('GIVEN a scope the event has no id for THEN `available` is false and using it throws StateScopeUnavailableError', async () => {
    const WithGuild = defineState('guildy', { guild: z.object({ open: z.boolean() }).default({ open: true }) })
    const { bot } = setup()
    const inGroup = bot.forEvent(message()).view(WithGuild).guild
    expect(inGroup.available).toBe(false)
    await expect(inGroup.get()).rejects.toBeInstanceOf(StateScopeUnavailableError)
    const inChannel = bot
      .forEvent({ name: 'AT_MESSAGE_CREATE', data: { channel_id: 'c1', guild_id: 'G1', author: { id: '9' } } })
      .view(WithGuild).guild
    expect(inChannel.available).toBe(true)
    expect(await inChannel.get()).toEqual({ open: true })
  })

  it('GIVEN the scenes and a guild-wide event THEN each scope gets its id, and a guild DM has no guild', () => {
    expect(scopeIdsOf({ name: 'C2C_MESSAGE_CREATE', data: { author: { user_openid: 'U' } } })).toEqual({
      user: 'U',
      chat: 'c2c:U',
    })
    expect(
      scopeIdsOf({ name: 'DIRECT_MESSAGE_CREATE', data: { guild_id: 'DM1', src_guild_id: 'G', author: { id: '7' } } }),
    ).toEqual({ user: '7', chat: 'dm:DM1' })
    expect(scopeIdsOf({ name: 'GUILD_MEMBER_ADD', data: { guild_id: 'G', user: { id: '7' } } })).toEqual({ guild: 'G' })
  })

  it('GIVEN bad declarations THEN defineState says what to fix', () => {
    expect(() => defineState('x', { user: z.object({ a: z.number() }) })).toThrow(/accept a missing value.*default/)
    expect(() => defineState('has space', { user: z.number().default(0) })).toThrow(ConfigError)
    expect(() => defineState('x', { user: { schema: z.number().default(0), ttlMs: -1 } })).toThrow(/ttlMs/)
    expect(() => defineState('x', { team: z.number().default(0) } as never)).toThrow(/user, chat and guild/)
  })
})
