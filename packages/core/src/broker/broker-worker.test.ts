import { describe, expect, it } from 'vitest'
import { createLogger } from '../logging/logger.js'
import { Metrics } from '../metrics/metrics.js'
import type { EventEnvelope, EventSink } from '../pipeline/event-envelope.js'
import { BrokerWorker } from './broker-worker.js'
import { resolveBrokerWorkerOptions } from './broker-worker-options.js'
import type { BrokerDelivery, BrokerState, ClaimResult, HeldDelivery, WorkerBroker } from './worker-broker.js'
import { until as waitFor } from '../../../../test/support/until.js'

type Delivery = BrokerDelivery<string>

/** A broker in memory: batches to hand out, claims answered by a function, every call recorded. */
class FakeBroker implements WorkerBroker<string, string> {
  readonly target = 'the fake broker'
  readonly batches: Delivery[][] = []
  readonly completed: [id: string | number, claim: string | undefined][] = []
  readonly discarded: (string | number)[] = []
  readonly givenBack: (string | number)[] = []
  readonly renewed: (string | number)[][] = []
  fetches = 0
  closed = false
  state: BrokerState = { lag: 0, groupPending: 0 }
  private wake: (() => void) | undefined

  constructor(
    private readonly answer: (key: string) => Promise<ClaimResult<string>> = async (key) => ({ claim: key }),
  ) {}

  async open(): Promise<void> {}

  async fetch(): Promise<Delivery[]> {
    this.fetches++
    const batch = this.batches.shift()
    if (batch) return batch
    await new Promise<void>((resolve) => {
      this.wake = resolve
      setTimeout(resolve, 20)
    })
    return []
  }

  claim(_delivery: Delivery, key: string): Promise<ClaimResult<string>> {
    return this.answer(key)
  }

  async renew(held: Iterable<HeldDelivery<string, string>>): Promise<void> {
    this.renewed.push([...held].map(({ delivery }) => delivery.id))
  }

  async readState(): Promise<BrokerState> {
    return this.state
  }

  async complete({ delivery, claim }: HeldDelivery<string, string>): Promise<void> {
    this.completed.push([delivery.id, claim])
  }

  async discard(delivery: Delivery): Promise<void> {
    this.discarded.push(delivery.id)
  }

  giveBack(delivery: Delivery): void {
    this.givenBack.push(delivery.id)
  }

  async stopReading(): Promise<void> {
    this.wake?.()
  }

  async close(): Promise<void> {
    this.closed = true
  }
}

/** A sink that keeps what it was given; `open` false makes push ask for a pause. */
class RecordingSink implements EventSink {
  readonly pushed: EventEnvelope[] = []
  open = true
  private readonly listeners = new Set<() => void>()

  push(envelope: EventEnvelope): boolean {
    this.pushed.push(envelope)
    return this.open
  }

  onDrain(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  drain(): void {
    this.open = true
    for (const listener of [...this.listeners]) listener()
  }
}

function message(id: string, attempt = 1): Delivery {
  return {
    id,
    attempt,
    decoded: {
      envelope: { name: 'GROUP_AT_MESSAGE_CREATE', data: { id: `msg-${id}` }, source: 'fake:gateway', receivedAt: 1 },
    },
    message: id,
  }
}

/** `stopDrainMs` is short: most tests stop with their events still held. */
async function started(broker: FakeBroker, sink = new RecordingSink(), stopDrainMs = 50) {
  const metrics = new Metrics()
  const worker = new BrokerWorker('fake', broker, resolveBrokerWorkerOptions({ claimIdleMs: 300, stopDrainMs }))
  worker.bind({ logger: createLogger({ level: 'silent' }), metrics })
  await worker.start(sink)
  return { worker, sink, metrics }
}

/** Waits for `check` (5 s at most), polling often: these are in-process events. */
const until = (check: () => boolean, what: string) => waitFor(check, 5_000, what, 5)

const ids = (sink: RecordingSink) => sink.pushed.map((envelope) => (envelope.data as { id: string }).id)

describe('BrokerWorker', () => {
  it('GIVEN claims that come back out of order THEN the events still reach the pipeline in the order the broker gave them', async () => {
    const delays: Record<string, number> = { 'm:msg-a': 60, 'm:msg-b': 0, 'm:msg-c': 30 }
    const broker = new FakeBroker(
      (key) => new Promise((resolve) => setTimeout(() => resolve({ claim: key }), delays[key])),
    )
    broker.batches.push([message('a'), message('b'), message('c')])
    const { worker, sink } = await started(broker)
    await until(() => sink.pushed.length === 3, 'three events')
    expect(ids(sink)).toEqual(['msg-a', 'msg-b', 'msg-c'])
    await worker.stop()
  })

  it('GIVEN a handled event THEN it is completed under its claim once done() is called, and counted as acknowledged', async () => {
    const broker = new FakeBroker()
    broker.batches.push([message('a')])
    const { worker, sink, metrics } = await started(broker)
    await until(() => sink.pushed.length === 1, 'the event')
    expect(broker.completed).toEqual([])
    expect(metrics.snapshot().gauges.broker_pending).toBe(1)
    sink.pushed[0]!.done!()
    await until(() => metrics.count('broker_acked') === 1, 'the acknowledgement')
    expect(broker.completed).toEqual([['a', 'm:msg-a']])
    expect(metrics.snapshot().gauges.broker_pending).toBe(0)
    await worker.stop()
  })

  it('GIVEN a message that is not an event THEN it is discarded and never pushed', async () => {
    const broker = new FakeBroker()
    broker.batches.push([{ id: 'x', attempt: 1, decoded: { error: 'garbage' }, message: 'x' }, message('a')])
    const { worker, sink } = await started(broker)
    await until(() => sink.pushed.length === 1, 'the event after it')
    expect(broker.discarded).toEqual(['x'])
    expect(ids(sink)).toEqual(['msg-a'])
    await worker.stop()
  })

  it('GIVEN a claim answered done THEN the copy is discarded and counted as a duplicate; answered elsewhere THEN it is left to the broker', async () => {
    const answers: Record<string, ClaimResult<string>> = { 'm:msg-a': 'done', 'm:msg-b': 'elsewhere' }
    const broker = new FakeBroker(async (key) => answers[key] ?? { claim: key })
    broker.batches.push([message('a'), message('b'), message('c')])
    const { worker, sink, metrics } = await started(broker)
    await until(() => sink.pushed.length === 1, 'the claimed event')
    expect(ids(sink)).toEqual(['msg-c'])
    expect(broker.discarded).toEqual(['a'])
    expect(metrics.count('broker_duplicates')).toBe(1)
    expect(broker.givenBack).toEqual([])
    await worker.stop()
  })

  it('GIVEN a message published under two names and a client that handles only one THEN the other copy is discarded unclaimed, and the wanted copy is handled', async () => {
    // claims as a broker keeps them: the first claim of a key wins, later ones see it done once completed
    const claimed = new Set<string>()
    const broker = new FakeBroker(async (key) => (claimed.has(key) ? 'done' : (claimed.add(key), { claim: key })))
    const copy = (id: string, name: string): Delivery => ({
      id,
      attempt: 1,
      decoded: { envelope: { name, data: { id: 'msg-a' }, source: 'fake:gateway', receivedAt: 1 } },
      message: id,
    })
    broker.batches.push([copy('1', 'GROUP_AT_MESSAGE_CREATE'), copy('2', 'GROUP_MESSAGE_CREATE')])
    const sink = new RecordingSink()
    const worker = new BrokerWorker('fake', broker, resolveBrokerWorkerOptions({ claimIdleMs: 300, stopDrainMs: 50 }))
    worker.bind({
      logger: createLogger({ level: 'silent' }),
      metrics: new Metrics(),
      wants: (name) => name === 'GROUP_MESSAGE_CREATE',
    })
    await worker.start(sink)
    await until(() => sink.pushed.length === 1, 'the wanted copy')
    expect(sink.pushed.map((envelope) => envelope.name)).toEqual(['GROUP_MESSAGE_CREATE'])
    expect(broker.discarded).toEqual(['1'])
    await worker.stop()
  })

  it('GIVEN a claim that fails THEN the message is given back and the batch goes on', async () => {
    const broker = new FakeBroker(async (key) => {
      if (key === 'm:msg-a') throw new Error('store unreachable')
      return { claim: key }
    })
    broker.batches.push([message('a'), message('b')])
    const { worker, sink } = await started(broker)
    await until(() => sink.pushed.length === 1, 'the second event')
    expect(broker.givenBack).toEqual(['a'])
    expect(ids(sink)).toEqual(['msg-b'])
    await worker.stop()
  })

  it('GIVEN a message delivered before THEN its attempt reaches the pipeline and it counts as reclaimed', async () => {
    const broker = new FakeBroker()
    broker.batches.push([message('a', 3)])
    const { worker, sink, metrics } = await started(broker)
    await until(() => sink.pushed.length === 1, 'the event')
    expect(sink.pushed[0]!.attempt).toBe(3)
    expect(metrics.count('broker_reclaimed')).toBe(1)
    await worker.stop()
  })

  it('GIVEN a full pipeline THEN nothing more is fetched until it drains', async () => {
    const broker = new FakeBroker()
    const sink = new RecordingSink()
    sink.open = false
    broker.batches.push([message('a')], [message('b')])
    const { worker } = await started(broker, sink)
    await until(() => sink.pushed.length === 1, 'the first event')
    const fetches = broker.fetches
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(broker.fetches).toBe(fetches)
    sink.drain()
    await until(() => sink.pushed.length === 2, 'the second event after the drain')
    await worker.stop()
  })

  it('GIVEN reads that return messages and reads that return none THEN only the first are counted as reads', async () => {
    const broker = new FakeBroker()
    broker.batches.push([message('a'), message('b')], [], [message('c')])
    const { worker, sink, metrics } = await started(broker)
    await until(() => sink.pushed.length === 3 && broker.fetches > 3, 'three events and an empty read after them')
    expect(metrics.count('broker_reads')).toBe(2)
    await worker.stop()
  })

  it('GIVEN the group state THEN the lag gauges show it', async () => {
    const broker = new FakeBroker()
    broker.state = { lag: 7, groupPending: 3 }
    const { worker, metrics } = await started(broker)
    await until(() => metrics.snapshot().gauges.broker_lag === 7, 'the lag')
    expect(metrics.snapshot().gauges.broker_group_pending).toBe(3)
    await worker.stop()
  })

  it('GIVEN a stop while an event is held THEN it stays renewed until done, stop() returns after its acknowledgement, and the broker is closed', async () => {
    const broker = new FakeBroker()
    broker.batches.push([message('a')])
    const { worker, sink } = await started(broker, new RecordingSink(), 10_000)
    await until(() => sink.pushed.length === 1, 'the event')
    let stopped = false
    const stop = worker.stop().then(() => (stopped = true))
    const renewals = broker.renewed.length
    await until(() => broker.renewed.length > renewals + 1, 'renewals during the stop')
    expect(broker.renewed.at(-1)).toEqual(['a'])
    expect(stopped).toBe(false)
    sink.pushed[0]!.done!()
    await stop
    expect(broker.completed).toEqual([['a', 'm:msg-a']])
    expect(broker.closed).toBe(true)
  })
})
