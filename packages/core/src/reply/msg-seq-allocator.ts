import { ExpiryWheel } from '../util/expiry-wheel.js'
import { ReplyCounts } from './reply-counts.js'
import { ReplyLimitError, ReplyWindowClosedError } from './reply-errors.js'

export interface ReplyWindow {
  /** Human name for errors: `group`, `C2C`, `guild channel`. */
  scene: string
  windowMs: number
  /** Most replies to one message; `undefined` = no per-message limit. */
  maxReplies: number | undefined
}

/** Expired entries are dropped within this long after their window closed. */
const SWEEP_SLOT_MS = 10_000

/**
 * Hands out `msg_seq` 1, 2, 3… per replied-to message id, enforcing the platform's passive-reply window
 * and per-message limit. An entry is the seqs handed out so far per id, dropped by an {@link ExpiryWheel}
 * when its window closes, also while no reply is sent: at 1,500 replies/s the group window alone holds
 * 450,000 of them, and the C2C window an hour's worth, so each is a hash and a count in typed arrays
 * ({@link ReplyCounts}) and a number in a wheel slot, not the id's string.
 */
export class MsgSeqAllocator {
  /** Replied-to id's hash → seqs handed out. */
  private readonly used = new ReplyCounts()
  private readonly expiry: ExpiryWheel<number>

  constructor(private readonly now: () => number = Date.now) {
    this.expiry = new ExpiryWheel(SWEEP_SLOT_MS, (key) => this.used.delete(key), now)
  }

  get size(): number {
    return this.used.size
  }

  /** Next seq for replying to `replyToId`, received at `receivedAt`; throws when the window closed or the limit is reached. */
  next(replyToId: string, receivedAt: number, window: ReplyWindow): number {
    const now = this.now()
    const age = now - receivedAt
    if (age > window.windowMs) throw new ReplyWindowClosedError(window.scene, window.windowMs, age)
    this.expiry.sweep(now)
    const key = this.used.keyOf(replyToId)
    const used = this.used.get(key)
    const seq = used + 1
    if (window.maxReplies !== undefined && seq > window.maxReplies)
      throw new ReplyLimitError(window.scene, window.maxReplies)
    if (used === 0) this.expiry.add(key, receivedAt + window.windowMs)
    this.used.set(key, seq)
    return seq
  }

  /** Replies `replyToId` may still get under `window`'s limit; `undefined` when the scene has none. */
  remaining(replyToId: string, window: ReplyWindow): number | undefined {
    if (window.maxReplies === undefined) return undefined
    return Math.max(0, window.maxReplies - this.used.get(this.used.keyOf(replyToId)))
  }
}
