import { afterEach, describe, expect, it } from 'vitest'
import { createClient, type QQBotClient } from '../client/qqbot-client.js'
import { createLogger } from '../logging/logger.js'
import type { EventEnvelope, EventSink, EventSource } from '../pipeline/event-envelope.js'
import { EventForwarder, type EventPublisher } from './event-forwarder.js'

/** A source the test pushes envelopes into. */
class ManualSource implements EventSource {
  readonly kind = 'manual'
  sink!: EventSink
  async start(sink: EventSink): Promise<void> {
    this.sink = sink
  }
  async stop(): Promise<void> {}
}

function envelope(id: string, done: () => void): EventEnvelope {
  return { name: 'CUSTOM_EVENT', id, data: { id }, source: 'manual', receivedAt: Date.now(), done }
}

let client: QQBotClient | undefined
afterEach(async () => {
  await client?.stop()
  client = undefined
})

async function setup(publish: EventPublisher['publish'], concurrency?: number) {
  const source = new ManualSource()
  const lines: string[] = []
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } })
  client = createClient({
    appId: '102000001',
    secret: 'forwarder-test-secret',
    source,
    logger,
    pipeline: { concurrency },
  })
  const forwarder = new EventForwarder(
    client,
    { target: 'the test broker', publish },
    { maxRetryDelayMs: 20, stopGiveUpMs: 100 },
  )
  await client.start()
  return { source, forwarder, lines, client }
}

describe('EventForwarder', () => {
  it('GIVEN the broker fails twice THEN the event waits, is published on the third attempt, and only then reported done; the outage is logged once each way', async () => {
    let attempts = 0
    const published: string[] = []
    const { source, lines, client } = await setup(async (event) => {
      if (++attempts <= 2) throw new Error('connection refused')
      published.push(event.id!)
    })
    const done: string[] = []
    source.sink.push(envelope('e1', () => done.push('e1')))
    await client.idle()
    expect(published).toEqual(['e1'])
    expect(done).toEqual(['e1'])
    expect(attempts).toBe(3)
    expect(client.metrics().counters.broker_published).toEqual({ '': 1 })
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg)
    expect(messages.filter((msg) => msg.startsWith('cannot publish events to the test broker'))).toHaveLength(1)
    expect(messages.filter((msg) => msg === 'publishing events to the test broker again')).toHaveLength(1)
  })

  it('GIVEN the broker stays down while stopping THEN the event is given up after stopGiveUpMs WITHOUT being reported done, and the loss is logged', async () => {
    const { source, forwarder, lines, client } = await setup(async () => {
      throw new Error('connection refused')
    })
    const done: string[] = []
    source.sink.push(envelope('e2', () => done.push('e2')))
    await new Promise((resolve) => setTimeout(resolve, 50))
    forwarder.beginStop()
    await client.idle()
    expect(done).toEqual([])
    expect(client.metrics().counters.broker_published).toBeUndefined()
    expect(lines.some((line) => line.includes('could not be published; the stored seq stays before it'))).toBe(true)
  })

  it('GIVEN events queued behind one that was given up during the stop THEN each of them gets one more try, not the whole give-up time', async () => {
    const attempts = new Map<string, number>()
    const { source, forwarder, client } = await setup(async (event) => {
      attempts.set(event.id!, (attempts.get(event.id!) ?? 0) + 1)
      throw new Error('connection refused')
    }, 1)
    const done: string[] = []
    for (const id of ['a', 'b', 'c']) source.sink.push(envelope(id, () => done.push(id)))
    await new Promise((resolve) => setTimeout(resolve, 30))
    forwarder.beginStop()
    await client.idle()
    expect(attempts.get('a')).toBeGreaterThan(1)
    expect([attempts.get('b'), attempts.get('c')]).toEqual([1, 1])
    expect(done).toEqual([])
  })
})
