import type { Logger } from 'pino'
import type { Metrics } from '../metrics/metrics.js'
import type { StreamClock } from './stream-options.js'

/** `input_notify.input_type` values (docs/protocol.md, typing indicator). */
export const INPUT_TYPE = { typing: 1, cancel: 2 } as const

/** A renewal goes out this long before the shown indicator would lapse. */
const RENEW_AHEAD_MS = 5_000

export interface TypingIndicatorInit {
  /**
   * Sends one indicator (`input_type`, and `input_second` when showing) with a `msg_seq` of its own; resolves
   * false when the reply budget has no reply to spare for it (nothing sent).
   */
  send(inputType: number, seconds: number | undefined): Promise<boolean>
  /** Replies left in the message's budget (`undefined`: no limit). */
  repliesLeft(): number | undefined
  clock: StreamClock
  /** How long one indicator shows, in seconds (1–60). */
  seconds: number
  /** Renewals at most while the first frame is late. */
  maxRenewals: number
  log: Logger
  metrics: Metrics | undefined
}

/**
 * The "typing…" indicator of one C2C stream: shown when the stream opens, renewed just before it lapses while
 * the first frame is late (at most `maxRenewals` times, and never with the last reply of the budget), stopped
 * by the first frame, and withdrawn (`input_type: 2`) when the stream ends without showing anything. Every
 * indicator takes a `msg_seq` and, by one report, a passive reply: each is counted in `stream_typing`.
 */
export class TypingIndicator {
  /** Settles once the first indicator went out (or failed): the first frame waits for it. */
  readonly ready: Promise<unknown>
  private timer: unknown
  private renewals = 0
  private shown = false
  private stopped = false

  constructor(private readonly init: TypingIndicatorInit) {
    this.ready = this.show('start').then((sent) => {
      if (sent) this.scheduleRenewal()
    })
  }

  /** The first frame went out (or the stream degraded): no more renewals. */
  stop(): void {
    this.stopped = true
    if (this.timer !== undefined) this.init.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** The stream ended with nothing shown: takes the indicator down, if one is showing and the budget allows. */
  async withdraw(): Promise<void> {
    this.stop()
    await this.ready
    if (!this.shown) return
    this.shown = false
    await this.send(INPUT_TYPE.cancel, undefined, 'cancel')
  }

  private scheduleRenewal(): void {
    if (this.stopped || this.renewals >= this.init.maxRenewals) return
    const wait = Math.max(1_000, this.init.seconds * 1000 - RENEW_AHEAD_MS)
    this.timer = this.init.clock.setTimeout(() => {
      this.timer = undefined
      void this.renew()
    }, wait)
  }

  private async renew(): Promise<void> {
    if (this.stopped) return
    const left = this.init.repliesLeft()
    // Keeps one reply of the budget for what the stream may still need (a plain reply if it degrades).
    if (left !== undefined && left <= 1) {
      this.init.log.debug({ left }, 'The typing indicator is not renewed: the reply budget has no reply to spare.')
      return
    }
    this.renewals++
    if (await this.show('renew')) this.scheduleRenewal()
  }

  private async show(kind: 'start' | 'renew'): Promise<boolean> {
    const sent = await this.send(INPUT_TYPE.typing, this.init.seconds, kind)
    if (sent) this.shown = true
    return sent
  }

  private async send(inputType: number, seconds: number | undefined, kind: string): Promise<boolean> {
    try {
      const sent = await this.init.send(inputType, seconds)
      if (sent) this.init.metrics?.inc('stream_typing', { kind })
      return sent
    } catch (error) {
      this.init.log.debug({ err: error, kind }, 'A typing indicator was refused; the stream goes on without it.')
      return false
    }
  }
}
