import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/qqbot-error.js'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope, EventSink } from '../pipeline/event-envelope.js'
import { WebhookAdmission } from './webhook-admission.js'
import { WebhookHandler } from './webhook-handler.js'

/** A sink that answers `push` with `accepting` (false: over its high-water mark) and records drain listeners. */
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
  return { sink, pushed, listeners }
}

const envelope = (id: string): EventEnvelope => ({
  name: 'C2C_MESSAGE_CREATE',
  id,
  data: {},
  source: 'webhook',
  receivedAt: 0,
})

/** Settles what is settled now: held ACKs released by a finished event resolve within these microtasks. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

describe('WebhookAdmission', () => {
  it('GIVEN a pipeline over its high-water mark but pending events below the hold range THEN every ACK goes out in the same tick as its push', () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ maxPendingEvents: 100, holdAcksFrom: 0.5 }, metrics)
    const { sink, pushed, listeners } = fakeSink(false)
    for (let i = 0; i < 50; i++) expect(admission.admit(sink, envelope(`e${i}`), performance.now())).toBe('queued')
    expect(pushed).toHaveLength(50)
    expect(listeners.size).toBe(0)
    expect(metrics.count('webhook_acks_held')).toBe(0)
    expect(metrics.snapshot().gauges.webhook_pending).toBe(50)
  })

  it('GIVEN the default options THEN ACKs go out at once up to 24,576 pending events, are held above, and 32,768 is the cap', () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({}, metrics)
    const { sink } = fakeSink(false)
    for (let i = 0; i < 24_576; i++) expect(admission.admit(sink, envelope(`e${i}`), performance.now())).toBe('queued')
    expect(admission.admit(sink, envelope('held'), performance.now())).toBeInstanceOf(Promise)
    for (let i = 24_577; i < 32_768; i++) admission.admit(sink, envelope(`e${i}`), performance.now())
    expect(metrics.snapshot().gauges.webhook_pending).toBe(32_768)
    expect(admission.admit(sink, envelope('refused'), performance.now())).toBe('at_cap')
  })

  it('GIVEN pending events in the hold range and none finishing THEN the ACK goes out when the budget runs out', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ ackBudgetMs: 20, maxPendingEvents: 4, holdAcksFrom: 0.5 }, metrics)
    const { sink, pushed } = fakeSink(true)
    admission.admit(sink, envelope('a'), performance.now())
    admission.admit(sink, envelope('b'), performance.now())
    const held = admission.admit(sink, envelope('c'), performance.now())
    expect(held).toBeInstanceOf(Promise)
    await expect(held).resolves.toBe('queued')
    expect(pushed).toHaveLength(3)
    expect(metrics.count('webhook_acks_held')).toBe(1)
  })

  it('GIVEN ACKs held in the hold range THEN each finished event lets the oldest go, and below the range all go', async () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ ackBudgetMs: 600_000, maxPendingEvents: 10, holdAcksFrom: 0.5 }, metrics)
    const { sink, pushed } = fakeSink(true)
    for (const id of ['a', 'b', 'c', 'd', 'e'])
      expect(admission.admit(sink, envelope(id), performance.now())).toBe('queued')
    const acked: string[] = []
    for (const id of ['f', 'g', 'h']) {
      const held = admission.admit(sink, envelope(id), performance.now())
      expect(held).toBeInstanceOf(Promise)
      void Promise.resolve(held).then(() => acked.push(id))
    }
    await flush()
    expect(acked).toEqual([])
    pushed[0]!.done!()
    await flush()
    expect(acked).toEqual(['f'])
    pushed[1]!.done!()
    await flush()
    expect(acked).toEqual(['f', 'g'])
    // Down to 5 pending, out of the hold range: whatever is held goes.
    pushed[2]!.done!()
    await flush()
    expect(acked).toEqual(['f', 'g', 'h'])
    expect(metrics.count('webhook_acks_held')).toBe(3)
    expect(metrics.count('webhook_acks_over_budget')).toBe(0)
  })

  it('GIVEN holdAcksFrom 1 THEN no ACK is held up to the cap', () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ maxPendingEvents: 8, holdAcksFrom: 1 }, metrics)
    const { sink } = fakeSink(false)
    for (let i = 0; i < 8; i++) expect(admission.admit(sink, envelope(`e${i}`), performance.now())).toBe('queued')
    expect(admission.admit(sink, envelope('refused'), performance.now())).toBe('at_cap')
    expect(metrics.count('webhook_acks_held')).toBe(0)
  })

  it('GIVEN ackBudgetMs 0 THEN an ACK in the hold range is not held', () => {
    const metrics = new Metrics()
    const admission = new WebhookAdmission({ ackBudgetMs: 0, maxPendingEvents: 2, holdAcksFrom: 0 }, metrics)
    const { sink } = fakeSink(false)
    // Not held: answered in the same tick, as a plain value.
    expect(admission.admit(sink, envelope('a'), performance.now() - 1_000)).toBe('queued')
    expect(metrics.count('webhook_acks_held')).toBe(0)
    expect(metrics.count('webhook_acks_over_budget')).toBe(0)
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
    [{ holdAcksFrom: -0.1 }, /holdAcksFrom/],
    [{ holdAcksFrom: 1.5 }, /holdAcksFrom/],
    [{ holdAcksFrom: Number.NaN }, /holdAcksFrom/],
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
