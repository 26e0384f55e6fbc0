import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Logger, StateStorage } from '@qqbot/core'
import { KeyLock } from '../state/key-lock.js'
import type { Clock } from '../util/clock.js'

/** What the state storage holds for a question being waited on (docs/state.md, "What the framework stores"). */
export interface PromptRecord {
  /** The command that asked, as registered (`order`). */
  command: string
  /** When the asker stops waiting, in ms since the epoch by the asker's clock. */
  deadline: number
  /** The bot instance (one per `createBot` in a process) that asked. */
  instance: string
}

/**
 * Where records live: `qqbot/prompt:<scene>:<chat>:<user>` (the conversation key). A state namespace cannot
 * contain `/`, so these never meet a `defineState` key.
 */
export const PROMPT_RECORD_PREFIX = 'qqbot/prompt:'
/** Written (once, without TTL) the first time a process of the bot asks: "this bot asks questions". */
export const PROMPTS_IN_USE_KEY = 'qqbot/prompts'
/** While a process does not know the bot asks questions, it looks for the marker at most this often. */
const IN_USE_RECHECK_MS = 30_000

const RECORD = z.object({ command: z.string(), deadline: z.number(), instance: z.string() })

/**
 * The pending `ctx.prompt()` questions of one bot, recorded in its state storage so that a process that did
 * not ask (a restarted bot, another worker) can tell a user their conversation was interrupted.
 *
 * Cost: asking writes a record (a read and a write) and its end deletes it; a message that no local question
 * waits for costs one read, and only once this process knows the bot asks questions at all: it asked one
 * itself, or the marker {@link PROMPTS_IN_USE_KEY} said so (read at start, then at most every 30 s until found).
 * A bot that never asks pays nothing per message.
 */
export class PromptRecords {
  /** Tells this bot's records from those of a process that is gone. */
  readonly instance = randomUUID()
  /** Operations on one key run in order: a question's delete never overtakes its write, nor the next write. */
  private readonly lock = new KeyLock()
  /** The version of each record this instance wrote and has not deleted yet. */
  private readonly written = new Map<string, number>()
  private readonly pending = new Set<Promise<unknown>>()
  private inUse = false
  private markerWritten = false
  private lastMarkerCheck = Number.NEGATIVE_INFINITY
  private stopping = false

  constructor(
    private readonly storage: StateStorage,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Whether a message no local question waits for must be looked up (see the class comment). */
  watches(): boolean {
    if (!this.inUse && this.clock.now() - this.lastMarkerCheck >= IN_USE_RECHECK_MS) void this.checkMarker()
    return this.inUse
  }

  /** Reads the marker once, so a restarted process watches from its first message. */
  async start(): Promise<void> {
    await this.checkMarker()
  }

  /**
   * Records a question asked under `key`; resolves once stored. Never rejects: when the storage fails the
   * conversation still works in this process, and the failure is logged.
   */
  asked(key: string, command: string, timeoutMs: number): Promise<void> {
    this.inUse = true
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) return Promise.resolve()
    const record: PromptRecord = { command, deadline: this.clock.now() + timeoutMs, instance: this.instance }
    return this.track(
      this.lock.run(key, async () => {
        if (!this.markerWritten) await this.writeMarker()
        const storageKey = PROMPT_RECORD_PREFIX + key
        // Whatever is stored (a record of a process that is gone) is replaced: this question is the current one.
        for (let attempt = 0; attempt < 3; attempt++) {
          const stored = await this.storage.read(storageKey)
          const version = await this.storage.write(storageKey, JSON.stringify(record), stored?.version ?? 0, {
            ttlMs: timeoutMs,
          })
          if (version !== undefined) return void this.written.set(key, version)
        }
        this.logger.warn({ conversation: key }, 'could not record a prompt: its key kept changing')
      }),
      'could not record a prompt in state storage; an interrupted conversation will not be noticed',
    )
  }

  /**
   * The question under `key` was answered, timed out or cancelled: its record goes. Not while the bot stops:
   * the conversation is interrupted then, and the record tells whoever gets the answer (until its deadline).
   */
  ended(key: string): void {
    if (this.stopping) return
    void this.track(
      this.lock.run(key, async () => {
        const version = this.written.get(key)
        if (version === undefined) return
        this.written.delete(key)
        await this.storage.delete(PROMPT_RECORD_PREFIX + key, version)
      }),
      'could not delete a prompt record from state storage (it expires at its deadline)',
    )
  }

  /**
   * For a message under `key` that no question of this process waits for: the record of a question asked by
   * an instance that is gone, taken (deleted, so one message only is told); `undefined` when there is none.
   * A record of this instance is a question that just ended, whose delete is on its way: not an interruption.
   */
  takeInterrupted(key: string): Promise<PromptRecord | undefined> {
    return this.lock
      .run(key, async () => {
        const storageKey = PROMPT_RECORD_PREFIX + key
        const stored = await this.storage.read(storageKey)
        if (!stored) return undefined
        const record = parseRecord(stored.json)
        if (record?.instance === this.instance) return undefined
        // Another worker may have taken it first (the same message twice, or two at once): that one told the user.
        if (!(await this.storage.delete(storageKey, stored.version))) return undefined
        return record
      })
      .catch((error: unknown) => {
        // The message goes on as if nothing was recorded: a command still runs.
        this.logger.warn({ err: error, conversation: key }, 'could not look up a prompt record in state storage')
        return undefined
      })
  }

  /** The bot stops: records stay for the next process, and writes under way finish before the storage closes. */
  async stop(): Promise<void> {
    this.stopping = true
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  private async checkMarker(): Promise<void> {
    this.lastMarkerCheck = this.clock.now()
    try {
      if (await this.storage.read(PROMPTS_IN_USE_KEY)) this.inUse = this.markerWritten = true
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the prompt marker from state storage')
    }
  }

  private async writeMarker(): Promise<void> {
    // Version 0: only the first process ever writes it; for the others the write is refused, which is fine.
    await this.storage.write(PROMPTS_IN_USE_KEY, JSON.stringify({ since: this.clock.now() }), 0)
    this.markerWritten = true
  }

  private track(work: Promise<void>, failure: string): Promise<void> {
    const settled = work.catch((error: unknown) => this.logger.warn({ err: error }, failure))
    this.pending.add(settled)
    void settled.then(() => this.pending.delete(settled))
    return settled
  }
}

/** A record as stored; `undefined` for text that is not one (written by something else: left alone). */
function parseRecord(json: string): PromptRecord | undefined {
  try {
    const parsed = RECORD.safeParse(JSON.parse(json))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
