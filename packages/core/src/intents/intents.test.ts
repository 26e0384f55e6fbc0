import { describe, it, expect } from 'vitest'
import { KNOWN_EVENT_NAMES } from '../events/event-names.js'
import {
  DEFAULT_INTENTS,
  EVENT_INTENTS,
  INTENT_NAMES,
  IntentSet,
  Intents,
  describeIntents,
  intentForEvent,
  intentsForEvents,
  isIntentName,
  type IntentName,
} from './intents.js'

describe('Intents', () => {
  it('has the documented bit values', () => {
    expect(Intents).toEqual({
      GUILDS: 1,
      GUILD_MEMBERS: 2,
      GUILD_MESSAGES: 512,
      GUILD_MESSAGE_REACTIONS: 1024,
      DIRECT_MESSAGE: 4096,
      OPEN_FORUMS_EVENT: 262144,
      AUDIO_OR_LIVE_CHANNEL_MEMBER: 524288,
      ENTER_AIO: 8388608,
      GROUP_MEMBER: 16777216,
      GROUP_AND_C2C_EVENT: 33554432,
      INTERACTION: 67108864,
      MESSAGE_AUDIT: 134217728,
      FORUMS_EVENT: 268435456,
      AUDIO_ACTION: 536870912,
      PUBLIC_GUILD_MESSAGES: 1073741824,
    })
  })

  it('uses a distinct single bit per intent, listed in bit order', () => {
    const values = INTENT_NAMES.map((n) => Intents[n])
    for (const v of values) expect(v & (v - 1)).toBe(0)
    expect(new Set(values).size).toBe(values.length)
    expect([...values].sort((a, b) => a - b)).toEqual(values)
  })

  it('cannot be modified at runtime', () => {
    expect(() => {
      ;(Intents as Record<string, number>).GUILDS = 2
    }).toThrow(TypeError)
    expect(Intents.GUILDS).toBe(1)
  })

  it('DEFAULT_INTENTS is GUILDS | GUILD_MEMBERS | PUBLIC_GUILD_MESSAGES', () => {
    expect(DEFAULT_INTENTS).toBe(1 + 2 + 2 ** 30)
    expect(describeIntents(DEFAULT_INTENTS)).toEqual(['GUILDS', 'GUILD_MEMBERS', 'PUBLIC_GUILD_MESSAGES'])
  })

  it('isIntentName accepts only own intent names', () => {
    expect(isIntentName('GUILDS')).toBe(true)
    expect(isIntentName('guilds')).toBe(false)
    expect(isIntentName('toString')).toBe(false)
    expect(isIntentName(1)).toBe(false)
  })
})

describe('event → intent', () => {
  it('maps events to the intent that delivers them', () => {
    expect(intentForEvent('GUILD_CREATE')).toBe('GUILDS')
    expect(intentForEvent('CHANNEL_DELETE')).toBe('GUILDS')
    expect(intentForEvent('GUILD_MEMBER_REMOVE')).toBe('GUILD_MEMBERS')
    expect(intentForEvent('MESSAGE_CREATE')).toBe('GUILD_MESSAGES')
    expect(intentForEvent('MESSAGE_DELETE')).toBe('GUILD_MESSAGES')
    expect(intentForEvent('MESSAGE_REACTION_ADD')).toBe('GUILD_MESSAGE_REACTIONS')
    expect(intentForEvent('DIRECT_MESSAGE_DELETE')).toBe('DIRECT_MESSAGE')
    expect(intentForEvent('OPEN_FORUM_REPLY_DELETE')).toBe('OPEN_FORUMS_EVENT')
    expect(intentForEvent('AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT')).toBe('AUDIO_OR_LIVE_CHANNEL_MEMBER')
    expect(intentForEvent('ENTER_AIO')).toBe('ENTER_AIO')
    expect(intentForEvent('C2C_MESSAGE_CREATE')).toBe('GROUP_AND_C2C_EVENT')
    expect(intentForEvent('FRIEND_ADD')).toBe('GROUP_AND_C2C_EVENT')
    expect(intentForEvent('GROUP_AT_MESSAGE_CREATE')).toBe('GROUP_AND_C2C_EVENT')
    expect(intentForEvent('GROUP_MESSAGE_CREATE')).toBe('GROUP_AND_C2C_EVENT')
    expect(intentForEvent('GROUP_MSG_RECEIVE')).toBe('GROUP_AND_C2C_EVENT')
    expect(intentForEvent('SUBSCRIBE_MESSAGE_STATUS')).toBe('GROUP_AND_C2C_EVENT')
    expect(intentForEvent('INTERACTION_CREATE')).toBe('INTERACTION')
    expect(intentForEvent('MESSAGE_AUDIT_REJECT')).toBe('MESSAGE_AUDIT')
    expect(intentForEvent('FORUM_PUBLISH_AUDIT_RESULT')).toBe('FORUMS_EVENT')
    expect(intentForEvent('AUDIO_OFF_MIC')).toBe('AUDIO_ACTION')
    expect(intentForEvent('AT_MESSAGE_CREATE')).toBe('PUBLIC_GUILD_MESSAGES')
    expect(intentForEvent('PUBLIC_MESSAGE_DELETE')).toBe('PUBLIC_GUILD_MESSAGES')
  })

  it('has no intent for READY, RESUMED or unknown names', () => {
    expect(intentForEvent('READY')).toBeUndefined()
    expect(intentForEvent('RESUMED')).toBeUndefined()
    expect(intentForEvent('NOT_AN_EVENT')).toBeUndefined()
    expect(intentForEvent('__proto__')).toBeUndefined()
  })

  it('covers every known event except READY and RESUMED, and nothing else', () => {
    const expected = KNOWN_EVENT_NAMES.filter((n) => n !== 'READY' && n !== 'RESUMED')
    expect([...EVENT_INTENTS.keys()].sort()).toEqual([...expected].sort())
  })

  it('every intent delivers at least one event', () => {
    const used = new Set(EVENT_INTENTS.values())
    expect([...INTENT_NAMES].filter((n) => !used.has(n))).toEqual([])
  })

  it('EVENT_INTENTS cannot be mutated', () => {
    const asMap = EVENT_INTENTS as unknown as Map<string, IntentName>
    expect(typeof asMap.set).toBe('undefined')
    expect(typeof asMap.delete).toBe('undefined')
    expect(EVENT_INTENTS.get('AT_MESSAGE_CREATE')).toBe('PUBLIC_GUILD_MESSAGES')
    expect(EVENT_INTENTS.size).toBe(KNOWN_EVENT_NAMES.length - 2)
  })
})

describe('intentsForEvents', () => {
  it('ORs the intents of the named events', () => {
    expect(
      intentsForEvents(['AT_MESSAGE_CREATE', 'C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE', 'INTERACTION_CREATE']),
    ).toBe(Intents.PUBLIC_GUILD_MESSAGES | Intents.GROUP_AND_C2C_EVENT | Intents.INTERACTION)
    expect(intentsForEvents(new Set(['GUILD_MEMBER_ADD', 'MESSAGE_REACTION_REMOVE']))).toBe(
      Intents.GUILD_MEMBERS | Intents.GUILD_MESSAGE_REACTIONS,
    )
  })

  it('ignores unknown names and events without an intent', () => {
    expect(intentsForEvents(['DIRECT_MESSAGE_CREATE', 'NOPE', 'READY'])).toBe(Intents.DIRECT_MESSAGE)
  })

  it('substitutes GUILDS for an empty result', () => {
    expect(intentsForEvents([])).toBe(Intents.GUILDS)
    expect(intentsForEvents(['READY', 'RESUMED', 'UNKNOWN'])).toBe(Intents.GUILDS)
  })

  it('treats a lone string as one event name, not its characters', () => {
    expect(intentsForEvents('AT_MESSAGE_CREATE')).toBe(Intents.PUBLIC_GUILD_MESSAGES)
  })

  it('yields the mask of every intent for every known event', () => {
    expect(intentsForEvents(KNOWN_EVENT_NAMES)).toBe(INTENT_NAMES.reduce((a, n) => a | Intents[n], 0))
  })
})

describe('describeIntents', () => {
  it('round-trips every single intent and combinations', () => {
    for (const name of INTENT_NAMES) {
      expect(describeIntents(Intents[name])).toEqual([name])
    }
    const mask =
      Intents.PUBLIC_GUILD_MESSAGES | Intents.DIRECT_MESSAGE | Intents.GROUP_AND_C2C_EVENT | Intents.INTERACTION
    const names = describeIntents(mask)
    expect(names).toEqual(['DIRECT_MESSAGE', 'GROUP_AND_C2C_EVENT', 'INTERACTION', 'PUBLIC_GUILD_MESSAGES'])
    expect(IntentSet.of(...names).bits).toBe(mask)
  })

  it('returns nothing for 0 and ignores unused bits', () => {
    expect(describeIntents(0)).toEqual([])
    expect(describeIntents((1 << 2) | (1 << 9))).toEqual(['GUILD_MESSAGES'])
  })

  it('rejects non-integer or negative masks', () => {
    expect(() => describeIntents(-1)).toThrow(TypeError)
    expect(() => describeIntents(1.5)).toThrow(TypeError)
    expect(() => describeIntents(Number.NaN)).toThrow(TypeError)
  })
})

describe('IntentSet', () => {
  it('of() builds the mask', () => {
    const set = IntentSet.of('GUILDS', 'PUBLIC_GUILD_MESSAGES')
    expect(set.bits).toBe(Intents.GUILDS | Intents.PUBLIC_GUILD_MESSAGES)
    expect(set.toArray()).toEqual(['GUILDS', 'PUBLIC_GUILD_MESSAGES'])
    expect(set.has('GUILDS')).toBe(true)
    expect(set.has('GUILD_MEMBERS')).toBe(false)
    expect(IntentSet.of().bits).toBe(0)
    expect(IntentSet.of().isEmpty).toBe(true)
  })

  it('with() and without() return new sets and leave the original unchanged', () => {
    const base = IntentSet.of('GUILDS')
    const more = base.with('GROUP_AND_C2C_EVENT', 'INTERACTION')
    const less = more.without('GUILDS')
    expect(base.bits).toBe(Intents.GUILDS)
    expect(more).not.toBe(base)
    expect(more.bits).toBe(Intents.GUILDS | Intents.GROUP_AND_C2C_EVENT | Intents.INTERACTION)
    expect(less.bits).toBe(Intents.GROUP_AND_C2C_EVENT | Intents.INTERACTION)
    expect(more.bits).toBe(Intents.GUILDS | Intents.GROUP_AND_C2C_EVENT | Intents.INTERACTION)
    // Removing an absent intent is a no-op; adding a present one too.
    expect(less.without('GUILDS').bits).toBe(less.bits)
    expect(base.with('GUILDS').bits).toBe(base.bits)
  })

  it('is frozen', () => {
    const set = IntentSet.of('GUILDS')
    expect(Object.isFrozen(set)).toBe(true)
    expect(() => {
      ;(set as unknown as { bits: number }).bits = 5
    }).toThrow(TypeError)
    expect(set.bits).toBe(Intents.GUILDS)
  })

  it('fromEvents() collects intents without substituting GUILDS', () => {
    expect(IntentSet.fromEvents(['AT_MESSAGE_CREATE', 'FRIEND_ADD', 'bogus']).toArray()).toEqual([
      'GROUP_AND_C2C_EVENT',
      'PUBLIC_GUILD_MESSAGES',
    ])
    expect(IntentSet.fromEvents([]).bits).toBe(0)
  })

  it('fromBits() keeps known bits only', () => {
    expect(IntentSet.fromBits(DEFAULT_INTENTS | (1 << 3)).bits).toBe(DEFAULT_INTENTS)
    expect(() => IntentSet.fromBits(-5)).toThrow(TypeError)
  })

  it('toString() and JSON show the content', () => {
    expect(IntentSet.of('PUBLIC_GUILD_MESSAGES', 'GUILDS').toString()).toBe(
      'IntentSet(GUILDS|PUBLIC_GUILD_MESSAGES = 1073741825)',
    )
    expect(String(IntentSet.of())).toBe('IntentSet(<none> = 0)')
    expect(JSON.stringify({ intents: IntentSet.of('GUILD_MEMBERS') })).toBe('{"intents":2}')
  })

  it('throws a TypeError listing the valid names for a name that is not an intent', () => {
    const bad = 'GROUP_MESSAGES' as IntentName // as a JS caller might pass it
    const check = (fn: () => unknown) => {
      expect(fn).toThrow(TypeError)
      expect(fn).toThrow(/Unknown intent "GROUP_MESSAGES"/)
      try {
        fn()
      } catch (err) {
        for (const name of INTENT_NAMES) expect((err as Error).message).toContain(name)
      }
    }
    check(() => IntentSet.of('GUILDS', bad))
    check(() => IntentSet.of('GUILDS').with(bad))
    check(() => IntentSet.of('GUILDS').without(bad))
    check(() => IntentSet.of('GUILDS').has(bad))
    expect(() => IntentSet.of(undefined as unknown as IntentName)).toThrow(/Unknown intent undefined/)
    expect(() => IntentSet.of('constructor' as IntentName)).toThrow(TypeError)
  })
})
