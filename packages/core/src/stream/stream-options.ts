import type { Logger } from 'pino'
import { ConfigError } from '../errors/qqbot-error.js'

/**
 * Where a stream reads the time and sets its throttle timers. The system clock by default; tests pass a
 * manual one so frames go out when the test moves time, not when the wall clock does.
 */
export interface StreamClock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number
  /** Calls `callback` once after `ms`; returns a handle for {@link StreamClock.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** Which wire form carries a C2C stream (docs/protocol.md, streamed messages). */
export type StreamWireForm = 'stream_messages' | 'stream-field'

/** What a frame of the older `stream` field carries: the whole text so far, or what was added (sources disagree). */
export type StreamFieldMode = 'replace' | 'append'

/** How streamed replies behave; the client option `streaming`. */
export interface StreamOptions {
  /**
   * Time between two frames of one stream, in ms. Default 500. The platform advises never less than 300:
   * a smaller value is raised to 300 (and logged once at warn).
   */
  intervalMs?: number
  /**
   * The `index` of a stream's first frame: sources disagree between 0 and 1. Default 0 for `stream_messages`
   * (the SDK that shows it starts at 0), 1 for `stream-field` (both SDKs that send it start at 1).
   */
  indexBase?: 0 | 1
  /**
   * `'stream_messages'` (default): `POST /v2/users/{openid}/stream_messages`, the form the 2026 SDKs use.
   * `'stream-field'`: the older `stream` object on `POST /v2/users/{openid}/messages`; sources disagree on
   * its rules, so prefer the default unless the platform refuses it for your bot.
   */
  wire?: StreamWireForm
  /**
   * With `wire: 'stream-field'`: `'replace'` (default) sends the whole text so far in every frame; `'append'`
   * sends only what was added (one report says the platform appends there), with `reset` when the text changed
   * otherwise.
   */
  streamFieldMode?: StreamFieldMode
  /**
   * Send a typing indicator (`msg_type: 6`) when a C2C stream opens, before its first frame. Default true.
   * Each indicator takes a `msg_seq` and, by one report, a passive reply of the message's budget.
   */
  typing?: boolean
  /** How long one typing indicator shows, in seconds (1–60). Default 60; the first frame replaces it anyway. */
  typingSeconds?: number
  /**
   * While the first frame is late, the indicator is sent again just before it lapses (5 s before
   * `typingSeconds` runs out), at most this many times, and never with the last reply of the budget.
   * Default 1; `0` sends one indicator per stream, the safest reading of the quota reports.
   */
  typingRenewals?: number
  /**
   * A stream must answer a message younger than this, in ms; an older one is answered with one ordinary
   * reply instead. Default 5 min (the platform's stream window, stricter than the 60 min C2C reply window).
   */
  windowMs?: number
  /**
   * Where the platform cannot stream, the text is sent as ordinary replies when the stream is done, split
   * into parts of at most this many characters. Default 2000 (no source gives the platform's limit).
   */
  maxReplyChars?: number
  /** How long `client.stop()` waits for open streams to send their final frame, in ms. Default 5000. */
  stopTimeoutMs?: number
  /** Advanced, for tests: the clock streams throttle by. Default the system clock. */
  clock?: StreamClock
}

/** {@link StreamOptions} with defaults applied and checked. */
export interface ResolvedStreamOptions {
  intervalMs: number
  indexBase: 0 | 1
  wire: StreamWireForm
  streamFieldMode: StreamFieldMode
  typing: boolean
  typingSeconds: number
  typingRenewals: number
  windowMs: number
  maxReplyChars: number
  stopTimeoutMs: number
  clock: StreamClock
}

/** The platform's advice: frames of one stream at least this far apart. */
export const MIN_FRAME_INTERVAL_MS = 300

/** The real clock; it looks up `Date.now` and the timer functions at each call, so fake timers still apply. */
export const SYSTEM_STREAM_CLOCK: StreamClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Applies the defaults; an interval under {@link MIN_FRAME_INTERVAL_MS} is raised to it and logged at warn. */
export function resolveStreamOptions(options: StreamOptions = {}, logger?: Logger): ResolvedStreamOptions {
  const requested = options.intervalMs ?? 500
  if (!Number.isFinite(requested) || requested < 0)
    throw new ConfigError(`streaming.intervalMs must be a number of milliseconds ≥ 0; got ${String(requested)}.`)
  if (requested < MIN_FRAME_INTERVAL_MS) {
    logger?.warn(
      { requested, used: MIN_FRAME_INTERVAL_MS },
      `streaming.intervalMs ${requested} is under the platform's ${MIN_FRAME_INTERVAL_MS} ms minimum between frames; using ${MIN_FRAME_INTERVAL_MS}.`,
    )
  }
  const wire = options.wire ?? 'stream_messages'
  if (wire !== 'stream_messages' && wire !== 'stream-field')
    throw new ConfigError(`streaming.wire must be 'stream_messages' or 'stream-field'; got ${String(wire)}.`)
  const indexBase = options.indexBase ?? (wire === 'stream-field' ? 1 : 0)
  const streamFieldMode = options.streamFieldMode ?? 'replace'
  if (streamFieldMode !== 'replace' && streamFieldMode !== 'append')
    throw new ConfigError(`streaming.streamFieldMode must be 'replace' or 'append'; got ${String(streamFieldMode)}.`)
  if (indexBase !== 0 && indexBase !== 1)
    throw new ConfigError(`streaming.indexBase must be 0 or 1; got ${String(indexBase)}.`)
  const typingSeconds = options.typingSeconds ?? 60
  if (!Number.isInteger(typingSeconds) || typingSeconds < 1 || typingSeconds > 60)
    throw new ConfigError(`streaming.typingSeconds must be a whole number from 1 to 60; got ${String(typingSeconds)}.`)
  return {
    intervalMs: Math.max(MIN_FRAME_INTERVAL_MS, requested),
    indexBase,
    wire,
    streamFieldMode,
    typing: options.typing ?? true,
    typingSeconds,
    typingRenewals: whole('typingRenewals', options.typingRenewals ?? 1),
    windowMs: positive('windowMs', options.windowMs ?? 5 * 60_000),
    maxReplyChars: positive('maxReplyChars', options.maxReplyChars ?? 2000),
    stopTimeoutMs: positive('stopTimeoutMs', options.stopTimeoutMs ?? 5000),
    clock: options.clock ?? SYSTEM_STREAM_CLOCK,
  }
}

function whole(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0)
    throw new ConfigError(`streaming.${name} must be a whole number ≥ 0; got ${String(value)}.`)
  return value
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`streaming.${name} must be a positive number; got ${String(value)}.`)
  return value
}
