import { describe, expect, it } from 'vitest'
import type { EventEnvelope, EventSink } from '../pipeline/event-envelope.js'
import { FencedSink, type LeaseCheck } from './fenced-sink.js'

function recordingSink(open = true): EventSink & { pushed: string[]; drain: () => void } {
  const listeners = new Set<() => void>()
  return {
    pushed: [],
    push(envelope: EventEnvelope) {
      this.pushed.push(envelope.id!)
      return open
    },
    onDrain(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    drain: () => listeners.forEach((listener) => listener()),
  }
}

const envelope = (id: string): EventEnvelope => ({
  name: 'GROUP_AT_MESSAGE_CREATE',
  id,
  data: {},
  source: 'gateway',
  receivedAt: 0,
})

function lease(valid: boolean, verdict: 'held' | 'lost' | 'unknown'): LeaseCheck & { asked: number } {
  return {
    asked: 0,
    isValid: () => valid,
    confirm() {
      this.asked++
      return Promise.resolve(verdict)
    },
  }
}

describe('FencedSink', () => {
  it('GIVEN a valid lease THEN events pass straight through and the inner answer is returned', () => {
    const inner = recordingSink(false)
    const sink = new FencedSink(inner, lease(true, 'held'), () => undefined)
    expect(sink.push(envelope('a'))).toBe(false)
    expect(inner.pushed).toEqual(['a'])
  })

  it('GIVEN a lease past its deadline THEN events are held and reading paused until Redis confirms it, then flow in order and reading resumes', async () => {
    const inner = recordingSink()
    const check = lease(false, 'held')
    const sink = new FencedSink(inner, check, () => undefined)
    let drained = 0
    sink.onDrain(() => drained++)
    expect(sink.push(envelope('a'))).toBe(false)
    expect(sink.push(envelope('b'))).toBe(false)
    expect(inner.pushed).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(check.asked).toBe(1)
    expect(inner.pushed).toEqual(['a', 'b'])
    expect(drained).toBe(1)
  })

  it('GIVEN the lease turned out lost THEN held events are dropped (the new owner is replayed them) and the loss is reported', async () => {
    const inner = recordingSink()
    let lost = 0
    const sink = new FencedSink(inner, lease(false, 'lost'), () => lost++)
    sink.push(envelope('a'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(inner.pushed).toEqual([])
    expect(lost).toBe(1)
  })

  it('GIVEN Redis does not answer THEN held events still flow (owners run on during an outage)', async () => {
    const inner = recordingSink()
    const sink = new FencedSink(inner, lease(false, 'unknown'), () => undefined)
    sink.push(envelope('a'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(inner.pushed).toEqual(['a'])
  })

  it('GIVEN the inner sink is saturated when held events flow THEN reading stays paused until the inner sink drains', async () => {
    const inner = recordingSink(false)
    const sink = new FencedSink(inner, lease(false, 'held'), () => undefined)
    let drained = 0
    sink.onDrain(() => drained++)
    sink.push(envelope('a'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(drained).toBe(0)
    inner.drain()
    expect(drained).toBe(1)
  })
  it('GIVEN events queued while the lease was valid THEN when their turn comes after it ran out they are admitted only if Redis still says held (one question for all), else dropped and the loss reported', async () => {
    const captured: EventEnvelope[] = []
    const inner: EventSink = { push: (envelope) => captured.push(envelope) > 0, onDrain: () => () => undefined }
    let valid = true
    let verdict: 'held' | 'lost' | 'unknown' = 'held'
    let asked = 0
    let lost = 0
    const check: LeaseCheck = { isValid: () => valid, confirm: async () => (asked++, verdict) }
    const sink = new FencedSink(inner, check, () => lost++)
    sink.push(envelope('a'))
    sink.push(envelope('b'))
    expect(captured.map((queued) => queued.id)).toEqual(['a', 'b'])
    expect(await captured[0]!.admit!()).toBe(true)
    expect(asked).toBe(0)

    valid = false // paused past the lease
    expect(await Promise.all(captured.map((queued) => queued.admit!()))).toEqual([true, true])
    expect(asked).toBe(1)
    verdict = 'unknown' // Redis did not answer: run on, as the coordinator does
    expect(await captured[0]!.admit!()).toBe(true)
    verdict = 'lost'
    expect(await Promise.all(captured.map((queued) => queued.admit!()))).toEqual([false, false])
    expect(asked).toBe(3)
    expect(lost).toBe(1)
  })
})
