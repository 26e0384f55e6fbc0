/**
 * Gateway intents: the bit mask sent in Identify (`d.intents`) that selects which events the
 * server pushes. See docs/protocol.md (intents). Subscribing to an intent the bot has not been
 * granted closes the socket with 4014.
 */
import type { KnownEventName } from '../events/event-names.js'

/** Intent bits (docs/protocol.md, intents; extra bits from botpy `flags.py`, botgo `dto/websocket_intent.go`). */
export const Intents = Object.freeze({
  /** GUILD_CREATE/UPDATE/DELETE, CHANNEL_CREATE/UPDATE/DELETE. Granted by default. */
  GUILDS: 1 << 0,
  /** GUILD_MEMBER_ADD/UPDATE/REMOVE. Granted by default. */
  GUILD_MEMBERS: 1 << 1,
  /** MESSAGE_CREATE (every channel message), MESSAGE_DELETE. Private-domain bots only. */
  GUILD_MESSAGES: 1 << 9,
  /** MESSAGE_REACTION_ADD/REMOVE. */
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  /** DIRECT_MESSAGE_CREATE/DELETE (guild DMs). */
  DIRECT_MESSAGE: 1 << 12,
  /** OPEN_FORUM_THREAD_*, OPEN_FORUM_POST_*, OPEN_FORUM_REPLY_* (public-domain forums; botpy/satori only). */
  OPEN_FORUMS_EVENT: 1 << 18,
  /** AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER/EXIT (botpy/satori only). */
  AUDIO_OR_LIVE_CHANNEL_MEMBER: 1 << 19,
  /** ENTER_AIO (botgo only). */
  ENTER_AIO: 1 << 23,
  /** GROUP_MEMBER_ADD/REMOVE (nonebot, QQBot.Net); GROUP_MEMBER_UPDATE and GROUP_JOIN_REQUEST are filed here as a guess. */
  GROUP_MEMBER: 1 << 24,
  /** Group and C2C messages and management events. Named public_messages / IntentGroupMessages / USER_MESSAGE elsewhere. */
  GROUP_AND_C2C_EVENT: 1 << 25,
  /** INTERACTION_CREATE (buttons, menus). */
  INTERACTION: 1 << 26,
  /** MESSAGE_AUDIT_PASS/REJECT. */
  MESSAGE_AUDIT: 1 << 27,
  /** FORUM_THREAD_*, FORUM_POST_*, FORUM_REPLY_*, FORUM_PUBLISH_AUDIT_RESULT. Private-domain bots only. */
  FORUMS_EVENT: 1 << 28,
  /** AUDIO_START/FINISH, AUDIO_ON_MIC/OFF_MIC. */
  AUDIO_ACTION: 1 << 29,
  /** AT_MESSAGE_CREATE, PUBLIC_MESSAGE_DELETE. Granted by default. */
  PUBLIC_GUILD_MESSAGES: 1 << 30,
} as const)

/** The name of an intent. */
export type IntentName = keyof typeof Intents

/** All intent names, in bit order. */
export const INTENT_NAMES: readonly IntentName[] = Object.freeze(
  (Object.keys(Intents) as IntentName[]).sort((a, b) => Intents[a] - Intents[b]),
)

/** Every bit some intent uses. */
const ALL_BITS = INTENT_NAMES.reduce((acc, n) => acc | Intents[n], 0)

/** The intents granted without an application: GUILDS | GUILD_MEMBERS | PUBLIC_GUILD_MESSAGES. */
export const DEFAULT_INTENTS: number = Intents.GUILDS | Intents.GUILD_MEMBERS | Intents.PUBLIC_GUILD_MESSAGES

// Keyed by every known event except READY/RESUMED (which need no intent), so adding an event to
// EventPayloadMap without deciding its intent fails to compile.
const EVENT_INTENT_TABLE: { readonly [K in Exclude<KnownEventName, 'READY' | 'RESUMED'>]: IntentName } = {
  GUILD_CREATE: 'GUILDS',
  GUILD_UPDATE: 'GUILDS',
  GUILD_DELETE: 'GUILDS',
  CHANNEL_CREATE: 'GUILDS',
  CHANNEL_UPDATE: 'GUILDS',
  CHANNEL_DELETE: 'GUILDS',
  GUILD_MEMBER_ADD: 'GUILD_MEMBERS',
  GUILD_MEMBER_UPDATE: 'GUILD_MEMBERS',
  GUILD_MEMBER_REMOVE: 'GUILD_MEMBERS',
  MESSAGE_CREATE: 'GUILD_MESSAGES',
  MESSAGE_DELETE: 'GUILD_MESSAGES',
  MESSAGE_REACTION_ADD: 'GUILD_MESSAGE_REACTIONS',
  MESSAGE_REACTION_REMOVE: 'GUILD_MESSAGE_REACTIONS',
  DIRECT_MESSAGE_CREATE: 'DIRECT_MESSAGE',
  DIRECT_MESSAGE_DELETE: 'DIRECT_MESSAGE',
  OPEN_FORUM_THREAD_CREATE: 'OPEN_FORUMS_EVENT',
  OPEN_FORUM_THREAD_UPDATE: 'OPEN_FORUMS_EVENT',
  OPEN_FORUM_THREAD_DELETE: 'OPEN_FORUMS_EVENT',
  OPEN_FORUM_POST_CREATE: 'OPEN_FORUMS_EVENT',
  OPEN_FORUM_POST_DELETE: 'OPEN_FORUMS_EVENT',
  OPEN_FORUM_REPLY_CREATE: 'OPEN_FORUMS_EVENT',
  OPEN_FORUM_REPLY_DELETE: 'OPEN_FORUMS_EVENT',
  AUDIO_OR_LIVE_CHANNEL_MEMBER_ENTER: 'AUDIO_OR_LIVE_CHANNEL_MEMBER',
  AUDIO_OR_LIVE_CHANNEL_MEMBER_EXIT: 'AUDIO_OR_LIVE_CHANNEL_MEMBER',
  ENTER_AIO: 'ENTER_AIO',
  C2C_MESSAGE_CREATE: 'GROUP_AND_C2C_EVENT',
  FRIEND_ADD: 'GROUP_AND_C2C_EVENT',
  FRIEND_DEL: 'GROUP_AND_C2C_EVENT',
  C2C_MSG_REJECT: 'GROUP_AND_C2C_EVENT',
  C2C_MSG_RECEIVE: 'GROUP_AND_C2C_EVENT',
  GROUP_AT_MESSAGE_CREATE: 'GROUP_AND_C2C_EVENT',
  // GROUP_MESSAGE_CREATE is observed but undocumented: its real intent bit is unknown.
  // GROUP_AND_C2C_EVENT is our best guess (it carries the other group messages).
  GROUP_MESSAGE_CREATE: 'GROUP_AND_C2C_EVENT',
  GROUP_ADD_ROBOT: 'GROUP_AND_C2C_EVENT',
  GROUP_DEL_ROBOT: 'GROUP_AND_C2C_EVENT',
  GROUP_MSG_REJECT: 'GROUP_AND_C2C_EVENT',
  GROUP_MSG_RECEIVE: 'GROUP_AND_C2C_EVENT',
  GROUP_MEMBER_ADD: 'GROUP_MEMBER',
  GROUP_MEMBER_REMOVE: 'GROUP_MEMBER',
  // Neither has a documented intent: the member intent is the nearest. Set `intents` explicitly to change it.
  GROUP_MEMBER_UPDATE: 'GROUP_MEMBER',
  GROUP_JOIN_REQUEST: 'GROUP_MEMBER',
  // botgo lists SUBSCRIBE_MESSAGE_STATUS under its group intent (1 << 25).
  SUBSCRIBE_MESSAGE_STATUS: 'GROUP_AND_C2C_EVENT',
  INTERACTION_CREATE: 'INTERACTION',
  MESSAGE_AUDIT_PASS: 'MESSAGE_AUDIT',
  MESSAGE_AUDIT_REJECT: 'MESSAGE_AUDIT',
  FORUM_THREAD_CREATE: 'FORUMS_EVENT',
  FORUM_THREAD_UPDATE: 'FORUMS_EVENT',
  FORUM_THREAD_DELETE: 'FORUMS_EVENT',
  FORUM_POST_CREATE: 'FORUMS_EVENT',
  FORUM_POST_DELETE: 'FORUMS_EVENT',
  FORUM_REPLY_CREATE: 'FORUMS_EVENT',
  FORUM_REPLY_DELETE: 'FORUMS_EVENT',
  FORUM_PUBLISH_AUDIT_RESULT: 'FORUMS_EVENT',
  AUDIO_START: 'AUDIO_ACTION',
  AUDIO_FINISH: 'AUDIO_ACTION',
  AUDIO_ON_MIC: 'AUDIO_ACTION',
  AUDIO_OFF_MIC: 'AUDIO_ACTION',
  AT_MESSAGE_CREATE: 'PUBLIC_GUILD_MESSAGES',
  PUBLIC_MESSAGE_DELETE: 'PUBLIC_GUILD_MESSAGES',
}

class ReadonlyMapView<K, V> implements ReadonlyMap<K, V> {
  readonly #map: Map<K, V>
  constructor(entries: Iterable<readonly [K, V]>) {
    this.#map = new Map(entries)
  }
  get size(): number {
    return this.#map.size
  }
  get(key: K): V | undefined {
    return this.#map.get(key)
  }
  has(key: K): boolean {
    return this.#map.has(key)
  }
  forEach(cb: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.#map.forEach((v, k) => cb.call(thisArg, v, k, this))
  }
  entries(): MapIterator<[K, V]> {
    return this.#map.entries()
  }
  keys(): MapIterator<K> {
    return this.#map.keys()
  }
  values(): MapIterator<V> {
    return this.#map.values()
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#map[Symbol.iterator]()
  }
}

/**
 * Event name → the intent that delivers it. READY and RESUMED are absent: they need no intent.
 * Truly read-only (no `set`/`delete`/`clear`, even from JS).
 */
export const EVENT_INTENTS: ReadonlyMap<string, IntentName> = Object.freeze(
  new ReadonlyMapView<string, IntentName>(Object.entries(EVENT_INTENT_TABLE)),
)

/** The intent that delivers event `name`, or undefined (READY/RESUMED, or an unknown name). */
export function intentForEvent(name: string): IntentName | undefined {
  return EVENT_INTENTS.get(name)
}

/** Lets a lone string through as one name (a string is itself an Iterable<string> of characters). */
function* eachName(names: Iterable<string> | string): Iterable<string> {
  if (typeof names === 'string') yield names
  else yield* names
}

function bitsForEvents(names: Iterable<string>): number {
  let bits = 0
  for (const name of eachName(names)) {
    const intent = EVENT_INTENTS.get(name)
    if (intent !== undefined) bits |= Intents[intent]
  }
  return bits
}

/**
 * The intent mask needed to receive `names`. Unknown names (and READY/RESUMED) are ignored.
 * An empty result becomes `Intents.GUILDS`, as the official SDKs substitute GUILDS for 0.
 */
export function intentsForEvents(names: Iterable<string>): number {
  const bits = bitsForEvents(names)
  return bits === 0 ? Intents.GUILDS : bits
}

function checkBits(bits: number): void {
  if (!Number.isSafeInteger(bits) || bits < 0) {
    throw new TypeError(`Intent bits must be a non-negative integer, got ${String(bits)}`)
  }
}

/** The names of the intents set in `bits`, in bit order. Bits no intent uses are ignored. */
export function describeIntents(bits: number): IntentName[] {
  checkBits(bits)
  return INTENT_NAMES.filter((n) => (bits & Intents[n]) !== 0)
}

/** Whether `name` is an intent name. */
export function isIntentName(name: unknown): name is IntentName {
  return typeof name === 'string' && Object.hasOwn(Intents, name)
}

function assertIntentName(name: unknown): asserts name is IntentName {
  if (!isIntentName(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name) : String(name)
    throw new TypeError(`Unknown intent ${shown}. Valid intents: ${INTENT_NAMES.join(', ')}`)
  }
}

function bitsOf(names: readonly unknown[]): number {
  let bits = 0
  for (const name of names) {
    assertIntentName(name)
    bits |= Intents[name]
  }
  return bits
}

/**
 * An immutable set of intents. Every method returns a new set; names are checked at runtime
 * (a name that is not an intent throws a TypeError listing the valid names).
 *
 * ```ts
 * const intents = IntentSet.of('PUBLIC_GUILD_MESSAGES').with('GROUP_AND_C2C_EVENT').bits
 * ```
 */
export class IntentSet {
  readonly #bits: number

  private constructor(bits: number) {
    this.#bits = bits
    Object.freeze(this)
  }

  /** The mask for Identify's `intents` (0 for an empty set). */
  get bits(): number {
    return this.#bits
  }

  /** Whether the set is empty. */
  get isEmpty(): boolean {
    return this.#bits === 0
  }

  /** A set of the given intents. */
  static of(...names: IntentName[]): IntentSet {
    return new IntentSet(bitsOf(names))
  }

  /**
   * The intents needed to receive the given events; unknown events are ignored. Unlike
   * `intentsForEvents`, no GUILDS is substituted for an empty result.
   */
  static fromEvents(names: Iterable<string>): IntentSet {
    return new IntentSet(bitsForEvents(names))
  }

  /** The intents set in `bits`; bits no intent uses are dropped. */
  static fromBits(bits: number): IntentSet {
    checkBits(bits)
    return new IntentSet(bits & ALL_BITS)
  }

  /** This set plus `names`. */
  with(...names: IntentName[]): IntentSet {
    return new IntentSet(this.#bits | bitsOf(names))
  }

  /** This set minus `names`. */
  without(...names: IntentName[]): IntentSet {
    return new IntentSet(this.#bits & ~bitsOf(names))
  }

  /** Whether the set contains `name`. */
  has(name: IntentName): boolean {
    assertIntentName(name)
    return (this.#bits & Intents[name]) !== 0
  }

  /** The intent names, in bit order. */
  toArray(): IntentName[] {
    return describeIntents(this.#bits)
  }

  /** e.g. `IntentSet(GUILDS|PUBLIC_GUILD_MESSAGES = 1073741825)`. */
  toString(): string {
    const names = this.toArray()
    return `IntentSet(${names.length === 0 ? '<none>' : names.join('|')} = ${this.#bits})`
  }

  /** Serialises as the bit mask. */
  toJSON(): number {
    return this.#bits
  }
}
