import { afterEach, describe, expect, it } from 'vitest'
import { createLogger } from '../logging/logger.js'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import type { EventEnvelope, EventSink, EventSource } from '../pipeline/event-envelope.js'
import { BrokerIngress, type IngressPublisher } from './broker-ingress.js'

/** A source the test pushes envelopes into. */
class ManualSource implements EventSource {
  readonly kind = 'manual'
  sink!: EventSink
  async start(sink: EventSink): Promise<void> {
    this.sink = sink
  }
  async stop(): Promise<void> {}
}

/** A broker in memory: what was published, in order. */
class RecordingPublisher implements IngressPublisher {
  readonly target = 'the test broker'
  readonly published: DispatchedEvent[] = []
  async prepare(): Promise<void> {}
  async publish(event: DispatchedEvent): Promise<void> {
    this.published.push(event)
  }
}

function groupMessage(name: string, messageId: string): EventEnvelope {
  return {
    name,
    id: `${name}:${messageId}`,
    data: {
      id: messageId,
      content: '/ping',
      timestamp: '2026-11-23T12:00:00+08:00',
      group_openid: 'g1',
      author: { member_openid: 'm1' },
    },
    source: 'manual',
    receivedAt: Date.now(),
  }
}

let ingress: BrokerIngress | undefined
afterEach(async () => {
  await ingress?.stop()
  ingress = undefined
})

describe('BrokerIngress', () => {
  it('GIVEN one message delivered under both group names THEN both copies are published (a worker may handle only one name); a repeat of one copy is not', async () => {
    const source = new ManualSource()
    const publisher = new RecordingPublisher()
    ingress = new BrokerIngress(
      {
        appId: '102000001',
        secret: 'ingress-test-secret',
        source,
        intents: ['GROUP_AND_C2C_EVENT'],
        logger: createLogger({ level: 'silent' }),
      },
      publisher,
    )
    await ingress.start()
    source.sink.push(groupMessage('GROUP_AT_MESSAGE_CREATE', 'msg-1'))
    source.sink.push(groupMessage('GROUP_MESSAGE_CREATE', 'msg-1'))
    source.sink.push(groupMessage('GROUP_MESSAGE_CREATE', 'msg-1'))
    await ingress.client.idle()
    expect(publisher.published.map((event) => event.name)).toEqual(['GROUP_AT_MESSAGE_CREATE', 'GROUP_MESSAGE_CREATE'])
    // both copies keep the one delivery id handlers and workers dedupe on
    expect(new Set(publisher.published.map((event) => event.deliveryId))).toEqual(new Set(['m:msg-1']))
  })
})
