import { describe, expect, it } from 'vitest'
import { GatewayObservers } from './gateway-observers.js'

describe('GatewayObservers', () => {
  it('GIVEN frame listeners THEN each gets every frame until it unsubscribes, and a throwing one harms nobody', () => {
    const observers = new GatewayObservers(() => '{}')
    const seen: unknown[] = []
    observers.onFrame(() => {
      throw new Error('broken listener')
    })
    const off = observers.onFrame((frame) => seen.push(frame))
    observers.emitFrame('in', { op: 1 })
    off()
    observers.emitFrame('out', { op: 11 })
    expect(seen).toEqual([{ direction: 'in', payload: { op: 1 } }])
  })

  it('GIVEN a wait THEN it resolves on the first change after which the condition holds', async () => {
    const observers = new GatewayObservers(() => '{}')
    let value = 0
    let resolved = false
    const wait = observers
      .waitFor(() => value === 2, 5000, 'two')
      .then(() => {
        resolved = true
      })
    value = 1
    observers.changed()
    await Promise.resolve()
    expect(resolved).toBe(false)
    value = 2
    observers.changed()
    await wait
    expect(resolved).toBe(true)
  })

  it('GIVEN a condition that already holds THEN the wait resolves without a change', async () => {
    await expect(new GatewayObservers(() => '{}').waitFor(() => true, 5000, 'now')).resolves.toBeUndefined()
  })

  it('GIVEN shutdown THEN pending and later waits reject unless their condition holds', async () => {
    const observers = new GatewayObservers(() => '{}')
    const wait = observers.waitFor(() => false, 5000, 'never')
    observers.shutdown()
    await expect(wait).rejects.toThrow('fake platform closed')
    await expect(observers.waitFor(() => false, 5000, 'after')).rejects.toThrow('fake platform closed')
    await expect(observers.waitFor(() => true, 5000, 'holds')).resolves.toBeUndefined()
  })

  it('GIVEN a timeout THEN the error names the wait and shows the described state', async () => {
    const observers = new GatewayObservers(() => '{"connections":3}')
    await expect(observers.waitFor(() => false, 10, 'waitForReady(2)')).rejects.toThrow(
      'waitForReady(2) timed out after 10 ms (stats: {"connections":3})',
    )
  })
})
