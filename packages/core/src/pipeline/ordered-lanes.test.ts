import { afterEach, describe, expect, it, vi } from 'vitest'
import { OrderedLanes, type LaneTicket } from './ordered-lanes.js'

function lanes(holdMs = Infinity) {
  const expired: { key: string; item: string; first: boolean }[] = []
  const queue = new OrderedLanes<string>({
    holdMs,
    onHoldExpired: (key, item, first) => void expired.push({ key, item, first }),
  })
  return { queue, expired }
}

/** Takes every ready item (as a pump with free slots would). */
function takeAll(queue: OrderedLanes<string>): LaneTicket<string>[] {
  const taken: LaneTicket<string>[] = []
  for (let ticket = queue.take(); ticket; ticket = queue.take()) taken.push(ticket)
  return taken
}

afterEach(() => void vi.useRealTimers())

describe('OrderedLanes', () => {
  it('GIVEN items of one key THEN each is ready only once the one before it finished, in the order added', () => {
    const { queue } = lanes()
    for (const item of ['a1', 'a2', 'a3']) queue.add(item, 'a')
    expect(queue.size).toBe(3)
    expect(queue.waiting).toBe(2)
    const order: string[] = []
    for (let taken = takeAll(queue); taken.length > 0; taken = takeAll(queue)) {
      expect(taken).toHaveLength(1)
      order.push(taken[0]!.item)
      queue.finish(taken[0]!)
    }
    expect(order).toEqual(['a1', 'a2', 'a3'])
    expect(queue.size).toBe(0)
    expect(queue.keys).toBe(0)
  })

  it('GIVEN items of other keys and items without a key THEN they are ready while an earlier key is held, overtaking its waiting items', () => {
    const { queue } = lanes()
    queue.add('a1', 'a')
    queue.add('a2', 'a')
    queue.add('b1', 'b')
    queue.add('free', undefined)
    queue.add('b2', 'b')
    const first = takeAll(queue)
    expect(first.map((ticket) => ticket.item)).toEqual(['a1', 'b1', 'free'])
    expect(queue.waiting).toBe(2)
    queue.finish(first[1]!)
    queue.finish(first[2]!)
    expect(takeAll(queue).map((ticket) => ticket.item)).toEqual(['b2'])
    queue.finish(first[0]!)
    expect(takeAll(queue).map((ticket) => ticket.item)).toEqual(['a2'])
  })

  it('GIVEN a holder running past the hold THEN the next item of its key is ready, reported once per stuck key', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { queue, expired } = lanes(1_000)
    for (const item of ['a1', 'a2', 'a3']) queue.add(item, 'a')
    const [a1] = takeAll(queue)
    vi.advanceTimersByTime(999)
    expect(takeAll(queue)).toEqual([])
    vi.advanceTimersByTime(1)
    const [a2] = takeAll(queue)
    expect(a2!.item).toBe('a2')
    // a2 is stuck too while a1 still runs: counted again, but the key is reported as stuck only once
    vi.advanceTimersByTime(1_000)
    expect(takeAll(queue).map((ticket) => ticket.item)).toEqual(['a3'])
    expect(expired).toEqual([
      { key: 'a', item: 'a1', first: true },
      { key: 'a', item: 'a2', first: false },
    ])
    // the overdue ones finishing late does not disturb the lane that moved on
    queue.finish(a1!)
    queue.finish(a2!)
    expect(queue.keys).toBe(1)
  })

  it('GIVEN a holder that finishes in time THEN its hold timer is cleared and nothing is reported', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { queue, expired } = lanes(1_000)
    queue.add('a1', 'a')
    queue.add('a2', 'a')
    const [a1] = takeAll(queue)
    vi.advanceTimersByTime(500)
    queue.finish(a1!)
    const [a2] = takeAll(queue)
    vi.advanceTimersByTime(900)
    queue.finish(a2!)
    vi.advanceTimersByTime(10_000)
    expect(expired).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('GIVEN the hold expires with nothing waiting THEN the next item of the key added later is ready at once', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { queue } = lanes(1_000)
    queue.add('a1', 'a')
    takeAll(queue)
    vi.advanceTimersByTime(1_000)
    queue.add('a2', 'a')
    expect(takeAll(queue).map((ticket) => ticket.item)).toEqual(['a2'])
  })

  it('GIVEN keys whose lanes come and go (one at a time, interleaved, in any finishing order) THEN each key’s items are ready one at a time, in the order added', () => {
    const { queue } = lanes()
    let seed = 7
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32
    const added = new Map<string, string[]>()
    const readyOrder = new Map<string, string[]>()
    const running: LaneTicket<string>[] = []
    let counter = 0
    for (let step = 0; step < 5_000; step++) {
      if (next() < 0.55) {
        const key = `chat-${Math.floor(next() * 40)}`
        const item = `${key}#${counter++}`
        queue.add(item, key)
        added.set(key, [...(added.get(key) ?? []), item])
      } else if (running.length > 0) {
        queue.finish(running.splice(Math.floor(next() * running.length), 1)[0]!)
      }
      for (const ticket of takeAll(queue)) {
        const key = ticket.lane!.key
        expect(running.some((other) => other.lane?.key === key)).toBe(false)
        readyOrder.set(key, [...(readyOrder.get(key) ?? []), ticket.item])
        running.push(ticket)
      }
    }
    while (running.length > 0) {
      queue.finish(running.shift()!)
      for (const ticket of takeAll(queue)) {
        readyOrder.set(ticket.lane!.key, [...(readyOrder.get(ticket.lane!.key) ?? []), ticket.item])
        running.push(ticket)
      }
    }
    expect(readyOrder).toEqual(added)
    expect(queue.size).toBe(0)
    expect(queue.keys).toBe(0)
  })
})
