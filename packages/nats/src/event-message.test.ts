import { describe, expect, it } from 'vitest'
import type { JsMsg } from '@nats-io/jetstream'
import { encodeEvent, joinEncodedEvents } from './event-codec.js'
import type { ClaimsBucket } from './claims-bucket.js'
import { markDoneAndAck } from './done-mark.js'
import { acknowledge, deliveriesOf, giveBack, keepWorking, PullSize, type EventMessage } from './event-message.js'
import { groupAtMessage } from '@qqbot/fake-platform'
import type { DispatchedEvent } from '@qqbot/core'

/** What the code under test does to a JetStream message, recorded in order. */
function recordingMessage(text: string, seq = 41, deliveryCount = 1) {
  const calls: string[] = []
  const msg = {
    seq,
    info: { deliveryCount },
    string: () => text,
    ack: () => void calls.push('ack'),
    ackAck: () => (calls.push('ackAck'), Promise.resolve(true)),
    nak: (delay?: number) => void calls.push(`nak ${delay}`),
    working: () => void calls.push('working'),
  }
  return { msg: msg as unknown as JsMsg, calls }
}

const event = (content: string): DispatchedEvent => {
  const built = groupAtMessage({ content })
  return {
    name: built.t,
    id: `${built.t}:${content}`,
    data: built.d,
    source: 'gateway',
    receivedAt: 1,
  } as DispatchedEvent
}

const asIs = (message: EventMessage) => message

describe('the events of a JetStream message', () => {
  it('GIVEN a message of one event THEN one delivery named by its sequence, acknowledged and given back directly', () => {
    const { msg, calls } = recordingMessage(encodeEvent(event('/ping 1')))
    const [delivery, ...rest] = deliveriesOf(msg, (seq) => seq, asIs)
    expect(rest).toEqual([])
    expect(delivery).toMatchObject({ id: 41, attempt: 1, message: { shared: undefined } })
    acknowledge(delivery!.message)
    giveBack(delivery!.message, 500)
    expect(calls).toEqual(['ack', 'nak 500'])
  })

  it('GIVEN a message of three events THEN three deliveries in order, and the message acknowledged once, after the last finished', () => {
    const text = joinEncodedEvents(['/ping 1', '/ping 2', '/ping 3'].map((c) => encodeEvent(event(c))))
    const { msg, calls } = recordingMessage(text, 7, 2)
    const deliveries = deliveriesOf(msg, (seq) => `p/${seq}`, asIs)
    expect(deliveries.map((d) => d.id)).toEqual(['p/7.0', 'p/7.1', 'p/7.2'])
    expect(
      deliveries.map((d) =>
        'envelope' in d.decoded ? (d.decoded.envelope.data as { content: string }).content.trim() : d.decoded.error,
      ),
    ).toEqual(['/ping 1', '/ping 2', '/ping 3'])
    expect(deliveries.every((d) => d.attempt === 2)).toBe(true)
    acknowledge(deliveries[2]!.message)
    acknowledge(deliveries[0]!.message)
    expect(calls).toEqual([])
    acknowledge(deliveries[1]!.message)
    expect(calls).toEqual(['ack'])
  })

  it('GIVEN one event of a message given back THEN the message is given back once and never acknowledged, whatever the others do', () => {
    const text = joinEncodedEvents(['/ping 1', '/ping 2', '/ping 3'].map((c) => encodeEvent(event(c))))
    const { msg, calls } = recordingMessage(text)
    const deliveries = deliveriesOf(msg, (seq) => seq, asIs)
    acknowledge(deliveries[0]!.message)
    giveBack(deliveries[1]!.message, 1_000)
    giveBack(deliveries[1]!.message, 2_000)
    acknowledge(deliveries[2]!.message)
    expect(calls).toEqual(['nak 1000'])
  })

  it('GIVEN a line that is not an event among events THEN it alone decodes to an error', () => {
    const text = joinEncodedEvents([encodeEvent(event('/ping 1')), 'garbage', encodeEvent(event('/ping 2'))])
    const deliveries = deliveriesOf(recordingMessage(text).msg, (seq) => seq, asIs)
    expect(deliveries.map((d) => ('error' in d.decoded ? d.decoded.error : 'event'))).toEqual([
      'event',
      'the message is not JSON',
      'event',
    ])
  })

  it('GIVEN an event with a line break in its text THEN it stays one line of the message and decodes whole', () => {
    const text = joinEncodedEvents([encodeEvent(event('line one\nline two')), encodeEvent(event('/ping 2'))])
    const deliveries = deliveriesOf(recordingMessage(text).msg, (seq) => seq, asIs)
    expect(deliveries).toHaveLength(2)
    const first = deliveries[0]!.decoded
    expect('envelope' in first && (first.envelope.data as { content: string }).content.trim()).toBe(
      'line one\nline two',
    )
  })

  it('GIVEN the events held of two messages THEN working() goes once to each message', () => {
    const text = joinEncodedEvents(['/ping 1', '/ping 2'].map((c) => encodeEvent(event(c))))
    const first = recordingMessage(text)
    const second = recordingMessage(encodeEvent(event('/ping 3')))
    keepWorking([
      ...deliveriesOf(first.msg, (seq) => seq, asIs).map((d) => d.message),
      ...deliveriesOf(second.msg, (seq) => seq, asIs).map((d) => d.message),
    ])
    expect(first.calls).toEqual(['working'])
    expect(second.calls).toEqual(['working'])
  })

  it('GIVEN an event without a dedupe key among others THEN the message’s acknowledgement waits for JetStream’s answer', async () => {
    const text = joinEncodedEvents(['/ping 1', '/ping 2'].map((c) => encodeEvent(event(c))))
    const { msg, calls } = recordingMessage(text)
    const [first, second] = deliveriesOf(msg, (seq) => seq, asIs)
    const noClaims = {} as ClaimsBucket
    await markDoneAndAck(noClaims, first!.message, undefined)
    expect(calls).toEqual([])
    acknowledge(second!.message)
    expect(calls).toEqual(['ackAck'])
  })

  it('GIVEN pulls of messages of 64 events THEN the next pulls ask for about batchSize / 64 messages, and for batchSize again once messages hold one event', () => {
    const size = new PullSize()
    const pull = (messages: number, eventsEach: number) => {
      for (let i = 0; i < messages; i++) size.count(eventsEach)
      size.pullEnded()
    }
    expect(size.messagesFor(128)).toBe(128)
    for (let i = 0; i < 10; i++) pull(2, 64)
    expect(size.messagesFor(128)).toBe(2)
    pull(0, 0)
    expect(size.messagesFor(128)).toBe(2)
    for (let i = 0; i < 20; i++) pull(128, 1)
    expect(size.messagesFor(128)).toBe(128)
  })
})
