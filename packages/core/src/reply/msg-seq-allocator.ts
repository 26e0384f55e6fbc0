import { ReplyLimitError, ReplyWindowClosedError } from './reply-errors.js'

export interface ReplyWindow {
  /** Human name for errors: `group`, `C2C`, `guild channel`. */
  scene: string
  windowMs: number
  /** Most replies to one message; `undefined` = no per-message limit. */
  maxReplies: number | undefined
}

/**
 * Hands out `msg_seq` 1, 2, 3… per replied-to message id, enforcing the platform's passive-reply window
 * and per-message limit. Entries expire with their window, so memory stays bounded.
 */
export class MsgSeqAllocator {
  private readonly entries = new Map<string, { next: number; expiresAt: number }>()
  private lastSweep = 0

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.entries.size
  }

  /** Next seq for replying to `replyToId`, received at `receivedAt`; throws when the window closed or the limit is reached. */
  next(replyToId: string, receivedAt: number, window: ReplyWindow): number {
    const now = this.now()
    const age = now - receivedAt
    if (age > window.windowMs) throw new ReplyWindowClosedError(window.scene, window.windowMs, age)
    this.sweep(now)
    let entry = this.entries.get(replyToId)
    if (!entry) this.entries.set(replyToId, (entry = { next: 1, expiresAt: receivedAt + window.windowMs }))
    if (window.maxReplies !== undefined && entry.next > window.maxReplies)
      throw new ReplyLimitError(window.scene, window.maxReplies)
    return entry.next++
  }

  /** Replies `replyToId` may still get under `window`'s limit; `undefined` when the scene has none. */
  remaining(replyToId: string, window: ReplyWindow): number | undefined {
    if (window.maxReplies === undefined) return undefined
    const used = (this.entries.get(replyToId)?.next ?? 1) - 1
    return Math.max(0, window.maxReplies - used)
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return
    this.lastSweep = now
    for (const [key, entry] of this.entries) if (entry.expiresAt < now) this.entries.delete(key)
  }
}
