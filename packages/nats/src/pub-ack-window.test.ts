import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jetstreamManager, JetStreamApiError } from '@nats-io/jetstream'
import { NoRespondersError, TimeoutError, type NatsConnection } from '@nats-io/transport-node'
import { PubAckWindow } from './pub-ack-window.js'
import { connectNats, freshNamespace } from './test-nats.js'

let nc: NatsConnection
let stream: string
let subject: string

beforeAll(async () => {
  nc = await connectNats()
  const ns = freshNamespace()
  stream = `WINDOW_${ns}`
  subject = `window.${ns}`
  await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${subject}.>`] })
})

afterAll(async () => {
  await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined)
  await nc.close()
})

describe('PubAckWindow', () => {
  it('GIVEN 500 publishes in one turn THEN each resolves with its own stored sequence and none stays outstanding', async () => {
    const window = new PubAckWindow(nc)
    const acks = await Promise.all(
      Array.from({ length: 500 }, (_, i) => window.publish(`${subject}.burst`, `event ${i}`)),
    )
    expect(new Set(acks.map((ack) => ack.seq)).size).toBe(500)
    expect(window.outstanding).toBe(0)
    const info = await (await jetstreamManager(nc)).streams.info(stream)
    expect(info.state.messages).toBeGreaterThanOrEqual(500)
    window.close()
  })

  it('GIVEN the same Nats-Msg-Id twice THEN the second is a duplicate of the first (stored once)', async () => {
    const window = new PubAckWindow(nc)
    const first = await window.publish(`${subject}.dup`, 'a', { msgID: 'event-1' })
    const second = await window.publish(`${subject}.dup`, 'a', { msgID: 'event-1' })
    expect(first.duplicate).toBe(false)
    expect(second).toEqual({ seq: first.seq, duplicate: true })
    window.close()
  })

  it('GIVEN an expected last subject sequence of 0 on a subject that has a message THEN JetStream’s error 10071', async () => {
    const window = new PubAckWindow(nc)
    await window.publish(`${subject}.claim`, 'w1', { lastSubjectSequence: 0 })
    const taken = window.publish(`${subject}.claim`, 'w2', { lastSubjectSequence: 0 })
    await expect(taken).rejects.toBeInstanceOf(JetStreamApiError)
    await expect(taken).rejects.toMatchObject({ code: 10071 })
    window.close()
  })

  it('GIVEN a subject no stream listens on THEN NoRespondersError', async () => {
    const window = new PubAckWindow(nc)
    await expect(window.publish(`nobody.${freshNamespace()}`, 'x')).rejects.toBeInstanceOf(NoRespondersError)
    window.close()
  })

  it('GIVEN a listener that never answers THEN TimeoutError after the timeout, and nothing stays outstanding', async () => {
    const silent = `silent.${freshNamespace()}`
    const sub = nc.subscribe(silent)
    await nc.flush()
    const window = new PubAckWindow(nc, 200)
    const started = Date.now()
    await expect(window.publish(silent, 'x')).rejects.toBeInstanceOf(TimeoutError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(200)
    expect(window.outstanding).toBe(0)
    sub.unsubscribe()
    window.close()
  })

  it('GIVEN close() while publishes wait THEN they reject at once', async () => {
    const silent = `silent.${freshNamespace()}`
    const sub = nc.subscribe(silent)
    await nc.flush()
    const window = new PubAckWindow(nc, 60_000)
    const waiting = window.publish(silent, 'x')
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    window.close()
    await expect(waiting).rejects.toBeInstanceOf(TimeoutError)
    sub.unsubscribe()
  })
})
