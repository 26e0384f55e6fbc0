import { FlatStringMap } from '../util/flat-string-map.js'
import { FifoQueue } from './fifo-queue.js'

/** A queued item and the lane it belongs to (none: it waits for nobody). Returned by {@link OrderedLanes.take}. */
export interface LaneTicket<T> {
  readonly item: T
  readonly lane: Lane<T> | undefined
  /** Set when the hold expired while it ran: its lane has moved on without it. */
  overdue: boolean
}

/** The items of one key: the one that holds the key (ready or running) and those waiting behind it. */
export interface Lane<T> {
  readonly key: string
  readonly waiting: FifoQueue<LaneTicket<T>>
  holder: LaneTicket<T> | undefined
  timer: ReturnType<typeof setTimeout> | undefined
}

export interface OrderedLanesOptions<T> {
  /** How long a running item may hold its key before the next item of the key runs anyway. Infinity: for ever. */
  holdMs: number
  /**
   * The item that held `key` ran past the hold; the next item of the key is ready now. `first` is true unless
   * an earlier item of the key is still running past its hold too (log once per stuck key, not per event).
   */
  onHoldExpired: (key: string, item: T, first: boolean) => void
}

/**
 * Queues items so that those with one key are taken one at a time, in the order they were added, while
 * items of other keys (and items without a key) are taken in between. An item waiting behind its key is not
 * ready: it is not taken, so it holds no handler slot, and later items of other keys overtake it. A holder
 * that runs past `holdMs` stops holding its key (it runs on, unordered) so one stuck handler cannot hold a
 * user for ever.
 */
export class OrderedLanes<T> {
  private readonly ready = new FifoQueue<LaneTicket<T>>()
  /** One lane per key with an item queued or running, created and deleted per event: see {@link FlatStringMap}. */
  private readonly lanes = new FlatStringMap<Lane<T>>()
  /** Keys with items still running past their hold → how many. */
  private readonly overdue = new Map<string, number>()
  private waitingCount = 0

  constructor(private readonly options: OrderedLanesOptions<T>) {}

  /** Every item not taken yet: ready ones and those waiting behind their key. */
  get size(): number {
    return this.ready.length + this.waitingCount
  }

  /** Items waiting behind an earlier item of their key. */
  get waiting(): number {
    return this.waitingCount
  }

  /** Keys with an item queued or running. */
  get keys(): number {
    return this.lanes.size
  }

  add(item: T, key: string | undefined): void {
    if (key === undefined) {
      this.ready.push({ item, lane: undefined, overdue: false })
      return
    }
    let lane = this.lanes.get(key)
    if (!lane) this.lanes.set(key, (lane = { key, waiting: new FifoQueue(), holder: undefined, timer: undefined }))
    const ticket: LaneTicket<T> = { item, lane, overdue: false }
    if (lane.holder) {
      lane.waiting.push(ticket)
      this.waitingCount++
    } else {
      lane.holder = ticket
      this.ready.push(ticket)
    }
  }

  /** The next ready item, whose hold starts now; pass its ticket to {@link finish} when it is done. */
  take(): LaneTicket<T> | undefined {
    const ticket = this.ready.shift()
    const lane = ticket?.lane
    if (lane && Number.isFinite(this.options.holdMs)) {
      lane.timer = setTimeout(() => this.expire(lane, ticket), this.options.holdMs)
      lane.timer.unref?.()
    }
    return ticket
  }

  /** The item is done: the next item of its key (if any) becomes ready. */
  finish(ticket: LaneTicket<T>): void {
    const lane = ticket.lane
    if (!lane) return
    if (ticket.overdue) {
      const left = (this.overdue.get(lane.key) ?? 1) - 1
      if (left > 0) this.overdue.set(lane.key, left)
      else this.overdue.delete(lane.key)
    } else if (lane.holder === ticket) {
      clearTimeout(lane.timer)
      this.advance(lane)
    }
  }

  private expire(lane: Lane<T>, ticket: LaneTicket<T>): void {
    if (lane.holder !== ticket) return
    ticket.overdue = true
    const running = this.overdue.get(lane.key) ?? 0
    this.overdue.set(lane.key, running + 1)
    this.advance(lane)
    this.options.onHoldExpired(lane.key, ticket.item, running === 0)
  }

  private advance(lane: Lane<T>): void {
    lane.timer = undefined
    const next = lane.waiting.shift()
    if (next) {
      this.waitingCount--
      lane.holder = next
      this.ready.push(next)
    } else {
      lane.holder = undefined
      this.lanes.delete(lane.key)
    }
  }
}
