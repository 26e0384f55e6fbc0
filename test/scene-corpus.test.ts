import { describe, expect, it } from 'vitest'
import { chatOf, isMessageEvent, replyTargetOf, sceneOf, senderOf, textOf, type DispatchedEvent } from '@qqbot/core'
import { CORPUS } from './corpus/payloads.js'

const events = CORPUS.map((entry) => ({
  title: `${entry.t}: ${entry.title}`,
  /** Whether the payload conforms once normalised (some entries lack a required field on purpose). */
  conforming: entry.nonconforming?.every((field) => field.normalised) ?? true,
  event: {
    name: entry.t,
    id: `${entry.t}:corpus`,
    data: entry.expected,
    seq: 1,
    source: 'corpus',
    shard: undefined,
    receivedAt: Date.now(),
    deliveryId: undefined,
    attempt: 1,
  } satisfies DispatchedEvent,
}))

describe('the scene vocabulary on the payload corpus', () => {
  it.each(
    events.filter(
      ({ event, conforming }) => conforming && (isMessageEvent(event.name) || event.name === 'INTERACTION_CREATE'),
    ),
  )('GIVEN $title THEN it has a scene, a chat and a sender', ({ event }) => {
    expect(sceneOf(event)).toBeDefined()
    expect(chatOf(event)).toEqual(expect.any(String))
    expect(senderOf(event)).toEqual(expect.any(String))
    if (isMessageEvent(event.name)) expect(textOf(event)).toEqual(expect.any(String))
  })

  it.each(events.filter(({ event }) => replyTargetOf(event)))(
    'GIVEN $title THEN its reply goes to the scene and chat the vocabulary names',
    ({ event }) => {
      expect(replyTargetOf(event)).toMatchObject({ scene: sceneOf(event), targetId: chatOf(event) })
    },
  )
})
