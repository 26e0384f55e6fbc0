import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConfigError } from '../errors/qqbot-error.js'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import type { DispatchedEvent } from './dispatched-event.js'
import type { EventEnvelope } from './event-envelope.js'
import { EventPipeline, type EventPipelineOptions } from './event-pipeline.js'

const silent = createLogger({ level: 'silent' })
let nextId = 0

/** A group @-message of `member` in `group`; `content` tells the handlers what to do. */
function message(member: string, content: string, group = 'g1'): EventEnvelope {
  const id = `msg-${++nextId}`
  return {
    name: 'GROUP_AT_MESSAGE_CREATE',
    id: `GROUP_AT_MESSAGE_CREATE:${id}`,
    data: {
      id,
      content: ` ${content}`,
      timestamp: '2026-11-23T12:00:00+08:00',
      group_openid: group,
      author: { member_openid: member },
    },
    source: 'test',
    receivedAt: Date.now(),
  }
}

function contentOf(event: DispatchedEvent): string {
  return (event.data as { content: string }).content.trim()
}

function senderOfEvent(event: DispatchedEvent): string {
  return (event.data as { author: { member_openid: string } }).author.member_openid
}

function pipeline(options: Partial<EventPipelineOptions> & Pick<EventPipelineOptions, 'handler'>) {
  const metrics = new Metrics()
  return { metrics, pipeline: new EventPipeline({ logger: silent, metrics, ...options }) }
}

/** Gates a handler can wait on, opened by name from the test. */
function gates() {
  const open = new Map<string, () => void>()
  const waiting = new Map<string, Promise<void>>()
  const gate = (name: string): Promise<void> => {
    let promise = waiting.get(name)
    if (!promise) waiting.set(name, (promise = new Promise<void>((resolve) => open.set(name, resolve))))
    return promise
  }
  return { gate, open: (name: string) => (void gate(name), open.get(name)!()) }
}

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 10_000) throw new Error('condition never held')
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** mulberry32: handler delays that differ from event to event yet repeat from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

afterEach(() => void vi.useRealTimers())

describe('EventPipeline ordering', () => {
  it('GIVEN many events of several users with handlers of random length THEN each user’s run one at a time, in the order delivered', async () => {
    const random = seededRandom(21)
    const handled = new Map<string, number[]>()
    const running = new Set<string>()
    let overlapped = 0
    const { pipeline: p } = pipeline({
      concurrency: 8,
      handler: async (event) => {
        const user = senderOfEvent(event)
        if (running.has(user)) overlapped++
        running.add(user)
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)))
        handled.set(user, [...(handled.get(user) ?? []), Number(contentOf(event))])
        running.delete(user)
      },
    })
    for (let n = 1; n <= 15; n++) for (let user = 0; user < 10; user++) p.push(message(`u${user}`, String(n)))
    await p.idle()
    expect(overlapped).toBe(0)
    const inOrder = Array.from({ length: 15 }, (_, index) => index + 1)
    for (let user = 0; user < 10; user++) expect(handled.get(`u${user}`)).toEqual(inOrder)
  })

  it('GIVEN one user’s handler is busy THEN other users’ events run meanwhile, and the user’s waiting events hold no handler slot', async () => {
    const { gate, open } = gates()
    const handled: string[] = []
    const { pipeline: p, metrics } = pipeline({
      concurrency: 2,
      handler: async (event) => {
        const content = contentOf(event)
        if (content === 'slow') await gate('slow')
        handled.push(`${senderOfEvent(event)}:${content}`)
      },
    })
    p.push(message('alice', 'slow'))
    for (let n = 1; n <= 5; n++) p.push(message('alice', String(n)))
    for (const user of ['bob', 'carol', 'dave']) p.push(message(user, 'hi'))
    // with two slots and five of alice's events queued behind her slow one, the others still get through
    await until(() => handled.length === 3)
    expect(handled).toEqual(['bob:hi', 'carol:hi', 'dave:hi'])
    expect(p.active).toBe(1)
    expect(p.queued).toBe(5)
    expect(metrics.snapshot().gauges.pipeline_order_waiting).toBe(5)
    open('slow')
    await p.idle()
    expect(handled.slice(3)).toEqual(['alice:slow', 'alice:1', 'alice:2', 'alice:3', 'alice:4', 'alice:5'])
  })

  it('GIVEN a handler stuck past orderHoldMs THEN the next event of its key runs, counted each time and logged once per key', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const lines: Record<string, unknown>[] = []
    const logger = createLogger({
      level: 'warn',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    })
    const { gate, open } = gates()
    const started: string[] = []
    const { pipeline: p, metrics } = pipeline({
      logger,
      orderHoldMs: 1_000,
      handler: async (event) => {
        started.push(contentOf(event))
        if (contentOf(event).startsWith('stuck')) await gate(contentOf(event))
      },
    })
    p.push(message('alice', 'stuck 1'))
    p.push(message('alice', 'stuck 2'))
    p.push(message('alice', 'next'))
    await vi.advanceTimersByTimeAsync(999)
    expect(started).toEqual(['stuck 1'])
    await vi.advanceTimersByTimeAsync(1)
    expect(started).toEqual(['stuck 1', 'stuck 2'])
    await vi.advanceTimersByTimeAsync(1_000)
    expect(started).toEqual(['stuck 1', 'stuck 2', 'next'])
    expect(metrics.snapshot().counters.events_order_released).toEqual({ 'event="GROUP_AT_MESSAGE_CREATE"': 2 })
    const released = lines.filter((line) => String(line.msg).includes('orderHoldMs'))
    expect(released).toHaveLength(1)
    expect(released[0]).toMatchObject({ orderKey: 'group:g1:alice' })
    open('stuck 1')
    open('stuck 2')
    await p.idle()
    expect(p.active).toBe(0)
  })

  it('GIVEN events waiting behind their key THEN they count towards the high-water mark, and drain fires once they ran', async () => {
    const { gate, open } = gates()
    const { pipeline: p } = pipeline({
      concurrency: 4,
      highWaterMark: 3,
      lowWaterMark: 1,
      handler: async (event) => {
        if (contentOf(event) === 'slow') await gate('slow')
      },
    })
    let drained = 0
    p.onDrain(() => drained++)
    expect(p.push(message('alice', 'slow'))).toBe(true)
    expect(p.push(message('alice', '1'))).toBe(true)
    expect(p.push(message('alice', '2'))).toBe(true)
    // three slots are free, yet alice's events wait for her first one: the source must pause all the same
    expect(p.push(message('alice', '3'))).toBe(false)
    expect(p.queued).toBe(3)
    open('slow')
    await p.idle()
    expect(drained).toBe(1)
  })

  it('GIVEN a handler waiting for an answer while holding its key THEN the interceptor hands it the answer, and the key’s next event runs after', async () => {
    const handled: string[] = []
    let answer: ((event: DispatchedEvent) => void) | undefined
    const { pipeline: p } = pipeline({
      handler: async (event) => {
        if (contentOf(event) !== 'ask') return void handled.push(contentOf(event))
        const reply = await new Promise<DispatchedEvent>((resolve) => (answer = resolve))
        handled.push(`answered ${contentOf(reply)}`)
      },
    })
    p.intercept((event) => {
      if (!answer || !contentOf(event).startsWith('answer')) return false
      answer(event)
      answer = undefined
      return true
    })
    p.push(message('alice', 'ask'))
    p.push(message('alice', 'later'))
    await until(() => answer !== undefined)
    p.push(message('alice', 'answer 42'))
    await p.idle()
    expect(handled).toEqual(['answered answer 42', 'later'])
  })

  it("GIVEN order: 'chat' THEN different users of one chat wait for each other; other chats do not", async () => {
    const { gate, open } = gates()
    const handled: string[] = []
    const { pipeline: p } = pipeline({
      order: 'chat',
      handler: async (event) => {
        if (contentOf(event) === 'slow') await gate('slow')
        handled.push(`${senderOfEvent(event)}:${contentOf(event)}`)
      },
    })
    p.push(message('alice', 'slow', 'g1'))
    p.push(message('bob', 'hi', 'g1'))
    p.push(message('carol', 'hi', 'g2'))
    await until(() => handled.length === 1)
    expect(handled).toEqual(['carol:hi'])
    open('slow')
    await p.idle()
    expect(handled).toEqual(['carol:hi', 'alice:slow', 'bob:hi'])
  })

  it("GIVEN order: 'none' or a key function that leaves an event out THEN that event runs alongside its user's busy one", async () => {
    for (const order of [
      'none',
      (event: DispatchedEvent) => (contentOf(event) === 'free' ? undefined : 'all'),
    ] as const) {
      const { gate, open } = gates()
      const handled: string[] = []
      const { pipeline: p } = pipeline({
        order,
        handler: async (event) => {
          if (contentOf(event) === 'slow') await gate('slow')
          handled.push(contentOf(event))
        },
      })
      p.push(message('alice', 'slow'))
      p.push(message('alice', 'free'))
      await until(() => handled.length === 1)
      expect(handled).toEqual(['free'])
      open('slow')
      await p.idle()
    }
  })

  it('GIVEN a key function that throws THEN the event runs unordered and the failure is logged', async () => {
    const lines: Record<string, unknown>[] = []
    const logger = createLogger({
      level: 'error',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    })
    const handled: string[] = []
    const { pipeline: p } = pipeline({
      logger,
      order: () => {
        throw new Error('no key today')
      },
      handler: (event) => void handled.push(contentOf(event)),
    })
    p.push(message('alice', 'hi'))
    await p.idle()
    expect(handled).toEqual(['hi'])
    expect(lines[0]).toMatchObject({ msg: 'the pipeline.order key function threw; the event runs unordered' })
  })

  it('GIVEN an unknown order or a hold that is not a positive number THEN construction fails with a ConfigError', () => {
    const handler = () => undefined
    expect(() => pipeline({ handler, order: 'user' as never })).toThrow(ConfigError)
    for (const orderHoldMs of [0, -1, Number.NaN, 2 ** 31])
      expect(() => pipeline({ handler, orderHoldMs })).toThrow(/orderHoldMs must be a positive number/)
    expect(() => pipeline({ handler, orderHoldMs: Infinity })).not.toThrow()
  })
})
