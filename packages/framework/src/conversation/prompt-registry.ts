import { isMessageEvent, orderKeyOf, QQBotError, textOf, type DispatchedEvent } from '@qqbot/core'
import { systemClock, type Clock } from '../util/clock.js'
import type { PromptRecords } from './prompt-records.js'

/** Nobody answered a `ctx.prompt()` in time. The bot tells the user (`PROMPT_TIMEOUT`). */
export class PromptTimeoutError extends QQBotError {
  constructor(timeoutMs: number) {
    super('PROMPT_TIMEOUT', `No answer within ${Math.round(timeoutMs / 1000)} s.`)
  }
}

/** The user cancelled a `ctx.prompt()` (or a newer prompt to the same user replaced it). */
export class PromptCancelledError extends QQBotError {
  constructor(readonly reason: 'user' | 'superseded' | 'stopped' | 'unloaded') {
    super('PROMPT_CANCELLED', CANCEL_REASONS[reason])
  }
}

const CANCEL_REASONS = {
  user: 'The user cancelled.',
  superseded: 'A newer question to the same user replaced this one.',
  stopped: 'The bot is stopping.',
  unloaded: 'The plugin that asked was unloaded or reloaded; the user was told the command changed.',
} as const

export interface PromptOptions {
  /** How long to wait for the answer. Default 60 s. */
  timeoutMs?: number
  /** Answers that cancel instead of answering. Default `取消`, `cancel`. */
  cancelWords?: string[]
}

interface Waiter {
  event: DispatchedEvent
  /** Whose question it is (a plugin): {@link PromptRegistry.cancelOwnedBy} cancels them together. */
  owner: object | undefined
  resolve: (event: DispatchedEvent) => void
  reject: (error: Error) => void
  timer: unknown
  cancelWords: string[]
  /** Settles once the question is recorded in state storage (at once without records). */
  recorded: Promise<void>
}

/**
 * The questions a bot is waiting on, one per user per chat. The next message of that user in that chat is
 * the answer; it is taken before it reaches the handler queue (see `client.intercept`).
 */
export class PromptRegistry {
  private readonly waiting = new Map<string, Waiter>()

  /** `records`: where questions are recorded for other processes (docs/conversations.md); none by default. */
  constructor(
    private readonly clock: Clock = systemClock,
    private readonly records?: PromptRecords,
  ) {}

  get size(): number {
    return this.waiting.size
  }

  /**
   * Waits for the next message of the sender of `event` in the same chat; `command` names the asker in its record,
   * `owner` is the plugin whose unloading cancels the wait.
   */
  wait(event: DispatchedEvent, options: PromptOptions = {}, command = '', owner?: object): Promise<DispatchedEvent> {
    const key = conversationKey(event)
    if (!key)
      return Promise.reject(
        new TypeError(`ctx.prompt() needs a message event; ${event.name} has no sender to wait for.`),
      )
    this.waiting.get(key)?.reject(new PromptCancelledError('superseded'))
    const timeoutMs = options.timeoutMs ?? 60_000
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        event,
        owner,
        resolve,
        reject,
        cancelWords: (options.cancelWords ?? ['取消', 'cancel']).map((word) => word.toLowerCase()),
        timer: this.clock.setTimeout(() => {
          this.release(key, waiter)
          reject(new PromptTimeoutError(timeoutMs))
        }, timeoutMs),
        recorded: Promise.resolve(),
      }
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          this.release(key, waiter)
          fn(value)
        }
      waiter.resolve = settle(resolve)
      waiter.reject = settle(reject)
      this.waiting.set(key, waiter)
      if (this.records) waiter.recorded = this.records.asked(key, command, timeoutMs)
    })
  }

  /** Settles once the question waiting for the sender of `event` is recorded (ask after it: see `ctx.prompt()`). */
  recorded(event: DispatchedEvent): Promise<void> {
    const key = conversationKey(event)
    return (key && this.waiting.get(key)?.recorded) || Promise.resolve()
  }

  /** Takes `event` if someone is waiting for it; returns whether it did. */
  offer(event: DispatchedEvent): boolean {
    const key = conversationKey(event)
    const waiter = key ? this.waiting.get(key) : undefined
    if (!waiter) return false
    const text = textOf(event) ?? ''
    if (waiter.cancelWords.includes(text.toLowerCase())) waiter.reject(new PromptCancelledError('user'))
    else waiter.resolve(event)
    return true
  }

  /** Stops waiting for the sender of `event` (the question could not be sent). */
  abandon(event: DispatchedEvent): void {
    const key = conversationKey(event)
    const waiter = key ? this.waiting.get(key) : undefined
    waiter?.reject(new PromptCancelledError('stopped'))
  }

  /** Cancels every waiting question (on stop). */
  cancelAll(): void {
    for (const waiter of [...this.waiting.values()]) waiter.reject(new PromptCancelledError('stopped'))
  }

  /** Cancels the questions `owner` asked (its plugin is going away); returns the messages that asked them. */
  cancelOwnedBy(owner: object): DispatchedEvent[] {
    const cancelled = [...this.waiting.values()].filter((waiter) => waiter.owner === owner)
    for (const waiter of cancelled) waiter.reject(new PromptCancelledError('unloaded'))
    return cancelled.map((waiter) => waiter.event)
  }

  private release(key: string, waiter: Waiter): void {
    this.clock.clearTimeout(waiter.timer)
    if (this.waiting.get(key) !== waiter) return
    this.waiting.delete(key)
    this.records?.ended(key)
  }
}

/**
 * `scene:chat:user` for message events, the key the pipeline keeps one user's events in line with by default;
 * `undefined` for anything else (a button click answers no question).
 */
export function conversationKey(event: DispatchedEvent): string | undefined {
  return isMessageEvent(event.name) ? orderKeyOf(event, 'user-in-chat') : undefined
}
