/** Replies whose latency the percentiles are taken over (the most recent ones). */
const WINDOW = 200
/** Messages remembered while waiting for their reply. */
const MAX_PENDING = 1_000

/**
 * How long the bot took to answer: from the moment the sandbox dispatched a user's message to the bot's first
 * call that replies to it (`msg_id`), per message, and p50/p99 over the recent replies.
 */
export class ReplyLatency {
  private readonly dispatchedAt = new Map<string, number>()
  private readonly recent: number[] = []

  dispatched(messageId: string, at = Date.now()): void {
    this.dispatchedAt.set(messageId, at)
    if (this.dispatchedAt.size > MAX_PENDING) this.dispatchedAt.delete(this.dispatchedAt.keys().next().value!)
  }

  /** The latency of a reply to `messageId` (only its first reply counts), or `undefined` when it is none. */
  replied(messageId: unknown, at = Date.now()): number | undefined {
    if (typeof messageId !== 'string') return undefined
    const start = this.dispatchedAt.get(messageId)
    if (start === undefined) return undefined
    this.dispatchedAt.delete(messageId)
    const latency = Math.max(0, at - start)
    this.recent.push(latency)
    if (this.recent.length > WINDOW) this.recent.shift()
    return latency
  }

  /** p50 and p99 of the recent replies in ms, or `undefined` before the first one. */
  percentiles(): { p50: number; p99: number } | undefined {
    if (this.recent.length === 0) return undefined
    const sorted = [...this.recent].sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
    return { p50: at(0.5), p99: at(0.99) }
  }
}
