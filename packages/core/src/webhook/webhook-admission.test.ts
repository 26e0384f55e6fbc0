import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/qqbot-error.js'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope, EventSink } from '../pipeline/event-envelope.js'
import { WebhookAdmission } from './webhook-admission.js'
import { WebhookHandler } from './webhook-handler.js'

/** A sink that answers `push` with `accepting` and drains when told. */
function fakeSink(accepting: boolean) {
  const pushed: EventEnvelope[] = []
  const listeners = new Set<() => void>()
  const sink: EventSink = {
    push(envelope) {
      pushed.push(envelope)
      return accepting
    },
    onDrain(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return { sink, pushed, listeners, drain: () => [...listeners].forEach((listener) => listener()) }
}

const envelope = (id: string): EventEnvelope => ({
  name: 'C2C_MESSAGE_CREATE',
  id,
  data: {},
  source: 'webhook',
  receivedAt: 0,
})

describe('WebhookAdmission', () => {
  it('GIVEN a saturated pipeline that never drains THEN the ACK goes out when the budget runs out', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ ackBudgetMs: 20 }, metrics)
    const { sink, pushed, listeners } = fakeSink(false)
    await expect(admission.admit(sink, envelope('a'), performance.now())).resolves.toBe('queued')
    expect(pushed).toHaveLength(1)
    expect(listeners.size).toBe(0)
  })

  it('GIVEN a saturated pipeline THEN the ACK is held until it drains, within the budget', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ ackBudgetMs: 600_000 }, metrics)
    const { sink, listeners, drain } = fakeSink(false)
    let acked = false
    const held = admission.admit(sink, envelope('a'), performance.now())
    // Held: a promise, not an answer in this tick.
    expect(held).toBeInstanceOf(Promise)
    const admitted = Promise.resolve(held).then(() => (acked = true))
    await Promise.resolve()
    expect(acked).toBe(false)
    expect(listeners.size).toBe(1)
    drain()
    await admitted
    expect(acked).toBe(true)
    expect(metrics.count('webhook_acks_held')).toBe(1)
    expect(listeners.size).toBe(0)
  })

  it('GIVEN ackBudgetMs 0 THEN a saturated pipeline never holds the ACK', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ ackBudgetMs: 0 }, metrics)
    const { sink, listeners } = fakeSink(false)
    // Not held: answered in the same tick, as a plain value.
    expect(admission.admit(sink, envelope('a'), performance.now() - 1_000)).toBe('queued')
    expect(listeners.size).toBe(0)
    expect(metrics.count('webhook_acks_held')).toBe(0)
    expect(metrics.count('webhook_acks_over_budget')).toBe(0)
  })

  it('GIVEN a pipeline below its high-water mark THEN the ACK may go out in the same tick as the push', () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({}, metrics)
    const { sink, pushed } = fakeSink(true)
    expect(admission.admit(sink, envelope('a'), performance.now())).toBe('queued')
    expect(pushed).toHaveLength(1)
    expect(metrics.snapshot().gauges.webhook_pending).toBe(1)
  })

  it('GIVEN an ACK later than the budget after its arrival THEN it is counted, one in time is not', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ ackBudgetMs: 50 }, metrics)
    const { sink } = fakeSink(true)
    await admission.admit(sink, envelope('late'), performance.now() - 1_000)
    await admission.admit(sink, envelope('fresh'), performance.now() + 60_000)
    expect(metrics.count('webhook_acks_over_budget')).toBe(1)
  })

  it('GIVEN maxPendingEvents unfinished events THEN the next is refused without reaching the pipeline, and taken once one finishes', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ maxPendingEvents: 2 }, metrics)
    const { sink, pushed } = fakeSink(true)
    expect(await admission.admit(sink, envelope('a'), performance.now())).toBe('queued')
    expect(await admission.admit(sink, envelope('b'), performance.now())).toBe('queued')
    expect(metrics.snapshot().gauges.webhook_pending).toBe(2)
    expect(await admission.admit(sink, envelope('c'), performance.now())).toBe('at_cap')
    expect(pushed.map((event) => event.id)).toEqual(['a', 'b'])
    pushed[0]!.done!()
    expect(await admission.admit(sink, envelope('c'), performance.now())).toBe('queued')
    expect(pushed.map((event) => event.id)).toEqual(['a', 'b', 'c'])
  })

  it('GIVEN the pipeline finishes an event inside push (a repeat) THEN it does not count as pending', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ maxPendingEvents: 1 }, metrics)
    const sink: EventSink = { push: (event) => (event.done?.(), true), onDrain: () => () => undefined }
    for (const id of ['a', 'a', 'a'])
      expect(await admission.admit(sink, envelope(id), performance.now())).toBe('queued')
    expect(metrics.snapshot().gauges.webhook_pending).toBe(0)
  })

  it('GIVEN a push that throws THEN the event is not counted as pending', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ maxPendingEvents: 1 }, metrics)
    const broken: EventSink = {
      push: () => {
        throw new Error('broken sink')
      },
      onDrain: () => () => undefined,
    }
    expect(() => admission.admit(broken, envelope('a'), performance.now())).toThrow('broken sink')
    expect(metrics.snapshot().gauges.webhook_pending).toBe(0)
    expect(await admission.admit(fakeSink(true).sink, envelope('b'), performance.now())).toBe('queued')
  })

  it.each([
    [{ ackBudgetMs: -1 }, /ackBudgetMs/],
    [{ ackBudgetMs: Infinity }, /ackBudgetMs/],
    [{ maxPendingEvents: 0 }, /maxPendingEvents/],
    [{ maxPendingEvents: 1.5 }, /maxPendingEvents/],
  ])('GIVEN %o THEN it is refused with a ConfigError naming the option', (options, name) => {
    expect(() => new WebhookAdmission(options, new Metrics())).toThrow(ConfigError)
    expect(() => new WebhookAdmission(options, new Metrics())).toThrow(name)
  })

  it('GIVEN the removed maxAckDelayMs THEN the handler says what replaced it', () => {
    const options = { secret: 'secret', logger: createLogger({ level: 'silent' }), metrics: new Metrics() }
    expect(() => new WebhookHandler({ ...options, maxAckDelayMs: 5_000 } as never)).toThrow(
      /ackBudgetMs.*maxPendingEvents/,
    )
  })
})
