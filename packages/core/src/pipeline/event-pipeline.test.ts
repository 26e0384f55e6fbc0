import { describe, expect, it } from 'vitest'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import { DedupeCache } from './dedupe-cache.js'
import type { EventEnvelope } from './event-envelope.js'
import { EventPipeline, type EventPipelineOptions } from './event-pipeline.js'
import { FifoQueue } from './fifo-queue.js'
import type { DispatchedEvent } from './dispatched-event.js'

const logger = createLogger({ level: 'silent' })

function groupMessage(id: string, extra: Record<string, unknown> = {}): EventEnvelope {
  return {
    name: 'GROUP_AT_MESSAGE_CREATE',
    id: `GROUP_AT_MESSAGE_CREATE:${id}`,
    data: {
      id,
      content: ' /ping',
      timestamp: '2026-11-23T12:00:00+08:00',
      group_openid: 'g1',
      author: { member_openid: 'm1' },
      ...extra,
    },
    source: 'test',
    receivedAt: Date.now(),
  }
}

function pipeline(options: Partial<EventPipelineOptions> & Pick<EventPipelineOptions, 'handler'>) {
  const metrics = new Metrics()
  return { metrics, pipeline: new EventPipeline({ logger, metrics, ...options }) }
}

describe('EventPipeline', () => {
  it('GIVEN valid events THEN the handler gets typed, validated events with their metadata', async () => {
    const seen: DispatchedEvent[] = []
    const { pipeline: p } = pipeline({ handler: (event) => void seen.push(event) })
    p.push({ ...groupMessage('a'), seq: 7, shard: [0, 1] })
    await p.idle()
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      name: 'GROUP_AT_MESSAGE_CREATE',
      id: 'GROUP_AT_MESSAGE_CREATE:a',
      seq: 7,
      shard: [0, 1],
      source: 'test',
    })
    expect((seen[0]!.data as { group_openid: string }).group_openid).toBe('g1')
  })

  it('GIVEN events THEN each carries a delivery id that every delivery of it shares (message id, else event id) and its attempt (1 unless the source says more)', async () => {
    const seen: DispatchedEvent[] = []
    const { pipeline: p } = pipeline({ handler: (event) => void seen.push(event) })
    p.push(groupMessage('a'))
    p.push({ ...groupMessage('b', { author: { member_openid: 'm2' } }), attempt: 3 })
    p.push({
      name: 'GROUP_ADD_ROBOT',
      id: 'GROUP_ADD_ROBOT:e1',
      data: { group_openid: 'g1', op_member_openid: 'm1', timestamp: 1 },
      source: 'test',
      receivedAt: Date.now(),
    })
    p.push({ name: 'SOME_FUTURE_EVENT', data: {}, source: 'test', receivedAt: Date.now() })
    await p.idle()
    expect(seen.map(({ deliveryId, attempt }) => ({ deliveryId, attempt }))).toEqual([
      { deliveryId: 'm:a', attempt: 1 },
      { deliveryId: 'm:b', attempt: 3 },
      { deliveryId: 'e:GROUP_ADD_ROBOT:e1', attempt: 1 },
      { deliveryId: undefined, attempt: 1 },
    ])
  })

  it('GIVEN payloads that do not conform THEN every one is delivered, each odd field counted, and each (event, path) logged once', async () => {
    const seen: DispatchedEvent[] = []
    const lines: Record<string, unknown>[] = []
    const log = createLogger({
      level: 'warn',
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    })
    const { pipeline: p, metrics } = pipeline({ logger: log, handler: (event) => void seen.push(event) })
    p.push({ ...groupMessage('bad'), data: { id: 1 } })
    p.push({ ...groupMessage('bad2'), data: 'not an object' })
    p.push({ ...groupMessage('variant'), data: { id: 'variant', content: 'hi', group_id: 'G', author: { id: 'M' } } })
    for (const id of ['c', 'd', 'e']) p.push({ ...groupMessage(id), data: { id, content: 'no group' } })
    p.push(groupMessage('good'))
    await p.idle()
    expect(seen.map((event) => event.id)).toEqual(
      ['bad', 'bad2', 'variant', 'c', 'd', 'e', 'good'].map((id) => `GROUP_AT_MESSAGE_CREATE:${id}`),
    )
    expect(seen[0]!.data).toEqual({ id: '1' })
    expect(seen[1]!.data).toBe('not an object')
    expect(seen[2]!.data).toMatchObject({ group_openid: 'G', author: { member_openid: 'M' } })
    expect(seen[2]!.nonconforming?.every((field) => field.normalised)).toBe(true)
    expect(seen[3]!.nonconforming?.map((field) => field.path)).toEqual(['group_openid', 'author'])
    expect(seen[6]!.nonconforming).toBeUndefined()
    const counted = metrics.snapshot().counters.events_nonconforming ?? {}
    expect(counted['event="GROUP_AT_MESSAGE_CREATE",path="group_openid"']).toBe(5)
    expect(counted['event="GROUP_AT_MESSAGE_CREATE",path="(root)"']).toBe(1)
    expect(counted['event="GROUP_AT_MESSAGE_CREATE",path="id"']).toBe(1)
    const logged = lines.filter((line) => line.path === 'group_openid')
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatchObject({ event: 'GROUP_AT_MESSAGE_CREATE', level: 40 })
  })

  it('GIVEN an event nobody wants THEN it is finished at once and its copy under a wanted name still runs', async () => {
    const seen: string[] = []
    const done: string[] = []
    const { pipeline: p } = pipeline({
      handler: (event) => void seen.push(event.name),
      wants: (name) => name === 'GROUP_AT_MESSAGE_CREATE',
    })
    p.push({ ...groupMessage('m'), name: 'GROUP_MESSAGE_CREATE', done: () => done.push('unwanted') })
    p.push({ ...groupMessage('m'), done: () => done.push('wanted') })
    p.push({ ...groupMessage('m'), done: () => done.push('repeat') })
    await p.idle()
    expect(seen).toEqual(['GROUP_AT_MESSAGE_CREATE'])
    expect(done).toEqual(['unwanted', 'wanted', 'repeat'])
  })

  it('GIVEN a numeric event id THEN handlers see its decimal string', async () => {
    const seen: DispatchedEvent[] = []
    const { pipeline: p } = pipeline({ handler: (event) => void seen.push(event) })
    p.push({
      name: 'FRIEND_ADD',
      id: 42 as unknown as string,
      data: { openid: 'U' },
      source: 'test',
      receivedAt: Date.now(),
    })
    await p.idle()
    expect(seen[0]!.id).toBe('42')
  })

  it('GIVEN the same message id twice (even with different event ids) THEN it is handled once', async () => {
    let calls = 0
    const { pipeline: p, metrics } = pipeline({ handler: () => void calls++ })
    p.push(groupMessage('same'))
    p.push({ ...groupMessage('same'), id: 'another-event-id' })
    await p.idle()
    expect(calls).toBe(1)
    expect(metrics.count('events_duplicate')).toBe(1)
  })

  it('GIVEN an unknown event name THEN it passes through raw and is deduplicated by event id', async () => {
    const seen: DispatchedEvent[] = []
    const { pipeline: p } = pipeline({ handler: (event) => void seen.push(event) })
    const envelope: EventEnvelope = {
      name: 'BRAND_NEW_EVENT',
      id: 'x1',
      data: { anything: [1, 2] },
      source: 'test',
      receivedAt: 0,
    }
    p.push(envelope)
    p.push(envelope)
    await p.idle()
    expect(seen.map((event) => event.data)).toEqual([{ anything: [1, 2] }])
  })

  it('GIVEN a handler that throws or rejects THEN it is isolated, counted and reported, and others run', async () => {
    const errors: unknown[] = []
    const seen: string[] = []
    const { pipeline: p, metrics } = pipeline({
      handler: async (event) => {
        if (event.id!.endsWith('boom')) throw new Error('boom')
        if (event.id!.endsWith('reject')) return Promise.reject(new Error('reject'))
        seen.push(event.id!)
      },
      onError: (error) => errors.push(error),
    })
    for (const id of ['boom', 'ok1', 'reject', 'ok2']) p.push(groupMessage(id))
    await p.idle()
    expect(seen.sort()).toEqual(['GROUP_AT_MESSAGE_CREATE:ok1', 'GROUP_AT_MESSAGE_CREATE:ok2'])
    expect(errors.map((error) => (error as Error).message).sort()).toEqual(['boom', 'reject'])
    expect(metrics.count('events_failed')).toBe(2)
  })

  it('GIVEN more events than the concurrency THEN at most `concurrency` run at once', async () => {
    let running = 0
    let peak = 0
    const { pipeline: p } = pipeline({
      concurrency: 3,
      handler: async () => {
        peak = Math.max(peak, ++running)
        await new Promise((resolve) => setTimeout(resolve, 1))
        running--
      },
    })
    // one sender each: events of one sender in one chat would run one at a time
    for (let i = 0; i < 30; i++) p.push(groupMessage(`c${i}`, { author: { member_openid: `m${i}` } }))
    await p.idle()
    expect(peak).toBe(3)
  })

  it('GIVEN the queue reaches the high-water mark THEN push returns false, and drain fires below the low-water mark', async () => {
    const release: (() => void)[] = []
    const { pipeline: p } = pipeline({
      concurrency: 1,
      highWaterMark: 4,
      lowWaterMark: 1,
      handler: () => new Promise<void>((resolve) => release.push(resolve)),
    })
    const results = Array.from({ length: 6 }, (_, i) => p.push(groupMessage(`b${i}`)))
    // one running, then the queue holds 1, 2, 3, 4 (full), 5
    expect(results).toEqual([true, true, true, true, false, false])
    let drained = 0
    p.onDrain(() => drained++)
    while (p.queued > 1) {
      release.shift()!()
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(drained).toBe(1)
    expect(p.push(groupMessage('after'))).toBe(true)
    while (release.length > 0 || p.active > 0) {
      release.shift()?.()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await p.idle()
  })
})

describe('DedupeCache', () => {
  it('GIVEN a key seen before its TTL THEN add returns false; after the TTL it is new again', () => {
    let now = 0
    const cache = new DedupeCache(1_000, 100, () => now)
    expect(cache.add('a')).toBe(true)
    expect(cache.add('a')).toBe(false)
    now = 1_001
    expect(cache.add('a')).toBe(true)
  })

  it('GIVEN more keys than the maximum THEN the oldest are evicted and memory stays bounded', () => {
    const cache = new DedupeCache(60_000, 10, () => 0)
    for (let i = 0; i < 100; i++) cache.add(`k${i}`)
    expect(cache.size).toBe(10)
    expect(cache.add('k99')).toBe(false)
    expect(cache.add('k0')).toBe(true)
  })
})

describe('FifoQueue', () => {
  it('GIVEN many pushes and shifts THEN order is kept across compaction', () => {
    const queue = new FifoQueue<number>()
    const out: number[] = []
    for (let i = 0; i < 5_000; i++) {
      queue.push(i)
      if (i % 3 === 0) out.push(queue.shift()!)
    }
    while (queue.length > 0) out.push(queue.shift()!)
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i))
    expect(queue.shift()).toBeUndefined()
  })

  it('GIVEN handled, nonconforming, repeated and intercepted events THEN each one is reported done exactly once, a handled one only after its handler finished, a copy of it not before', async () => {
    const done: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const { pipeline: p } = pipeline({
      handler: (event) => (event.id === 'GROUP_AT_MESSAGE_CREATE:slow' ? gate : undefined),
    })
    p.intercept((event) => event.id === 'GROUP_AT_MESSAGE_CREATE:taken')
    const push = (envelope: EventEnvelope, label: string) => p.push({ ...envelope, done: () => done.push(label) })
    push(groupMessage('slow'), 'handled')
    push({ ...groupMessage('bad'), data: { nonsense: true } }, 'nonconforming')
    push(groupMessage('slow'), 'repeat')
    push(groupMessage('taken'), 'intercepted')
    await new Promise((resolve) => setTimeout(resolve, 20))
    // The copy of the running event waits for it: a broker acknowledging the copy now would lose the event
    // if this process died before the original finished.
    expect(done).toEqual(['intercepted', 'nonconforming'])
    release()
    await p.idle()
    expect(done).toEqual(['intercepted', 'nonconforming', 'handled', 'repeat'])
    push(groupMessage('slow'), 'late repeat')
    expect(done.at(-1)).toBe('late repeat')
  })

  it('GIVEN an event its source no longer owns when its turn comes (admit false) THEN no handler runs, it is not reported done, and a later delivery of it runs', async () => {
    const seen: string[] = []
    const done: string[] = []
    const { pipeline: p, metrics } = pipeline({ handler: (event) => void seen.push(event.id!) })
    let owned = false
    p.push({ ...groupMessage('x'), admit: async () => owned, done: () => done.push('x first') })
    await p.idle()
    expect(seen).toEqual([])
    expect(done).toEqual([])
    expect(metrics.snapshot().counters.events_revoked).toEqual({ 'event="GROUP_AT_MESSAGE_CREATE"': 1 })
    owned = true
    p.push({ ...groupMessage('x'), admit: () => owned, done: () => done.push('x again') })
    await p.idle()
    expect(seen).toEqual(['GROUP_AT_MESSAGE_CREATE:x'])
    expect(done).toEqual(['x again'])
  })

  it('GIVEN a repeat of a running event after the dedupe cache evicted its key THEN it is still a repeat, finished with the original', async () => {
    const seen: string[] = []
    const done: string[] = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const { pipeline: p } = pipeline({
      dedupeMaxEntries: 1,
      handler: (event) => (seen.push(event.id!), event.id === 'GROUP_AT_MESSAGE_CREATE:slow' ? gate : undefined),
    })
    p.push({ ...groupMessage('slow'), done: () => done.push('slow') })
    p.push({ ...groupMessage('other', { author: { member_openid: 'm2' } }), done: () => done.push('other') })
    p.push({ ...groupMessage('slow'), done: () => done.push('slow copy') })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(seen).toEqual(['GROUP_AT_MESSAGE_CREATE:slow', 'GROUP_AT_MESSAGE_CREATE:other'])
    expect(done).toEqual(['other'])
    release()
    await p.idle()
    expect(done).toEqual(['other', 'slow', 'slow copy'])
    expect(seen).toHaveLength(2)
  })

  it('GIVEN a done callback that throws THEN the queue keeps running', async () => {
    const seen: string[] = []
    const { pipeline: p } = pipeline({ handler: (event) => void seen.push(event.id!) })
    p.push({
      ...groupMessage('a'),
      done: () => {
        throw new Error('boom')
      },
    })
    p.push(groupMessage('b'))
    await p.idle()
    expect(seen).toEqual(['GROUP_AT_MESSAGE_CREATE:a', 'GROUP_AT_MESSAGE_CREATE:b'])
  })
})
