import { describe, expect, it } from 'vitest'
import type { EventSink } from './event-envelope.js'
import { PullGate } from './pull-gate.js'

function drainableSink(): EventSink & { drain(): void; listeners: number } {
  const listeners = new Set<() => void>()
  return {
    push: () => true,
    onDrain(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    drain: () => [...listeners].forEach((listener) => listener()),
    get listeners() {
      return listeners.size
    },
  }
}

describe('PullGate', () => {
  it('GIVEN nothing held THEN ready() resolves at once; GIVEN hold() THEN ready() waits for the drain, which unsubscribes', async () => {
    const sink = drainableSink()
    const gate = new PullGate(sink)
    await gate.ready()
    gate.hold()
    gate.hold()
    expect(gate.holding).toBe(true)
    expect(sink.listeners).toBe(1)
    let passed = false
    const waiting = gate.ready().then(() => (passed = true))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(passed).toBe(false)
    sink.drain()
    await waiting
    expect(gate.holding).toBe(false)
    expect(sink.listeners).toBe(0)
  })

  it('GIVEN a held gate THEN release() lets a waiting loop go on (to see that its source stopped)', async () => {
    const gate = new PullGate(drainableSink())
    gate.hold()
    const waiting = gate.ready()
    gate.release()
    await expect(waiting).resolves.toBeUndefined()
    expect(gate.holding).toBe(true)
  })
})
