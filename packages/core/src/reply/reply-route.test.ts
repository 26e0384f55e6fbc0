import { describe, expect, it } from 'vitest'
import type { DispatchedEvent } from '../pipeline/dispatched-event.js'
import { ReplyTargetMissingError } from './reply-errors.js'
import { ReplySender } from './reply-sender.js'
import { replyRouteOf } from './reply-target.js'
import type { OpenApi } from '../rest/open-api.js'

function event(name: string, data: unknown, id: string | undefined = `${name}:evt`): DispatchedEvent {
  return {
    name,
    id,
    data,
    seq: 1,
    source: 'test',
    shard: undefined,
    receivedAt: Date.now(),
    deliveryId: undefined,
    attempt: 1,
  }
}

describe('replyRouteOf', () => {
  it('GIVEN events of 2026 THEN member joins and interactions in every scene have their target and event id', () => {
    expect(replyRouteOf(event('GROUP_MEMBER_ADD', { group_openid: 'G', member_openid: 'M' }))?.target).toMatchObject({
      scene: 'group',
      targetId: 'G',
      reference: { kind: 'event_id', id: 'GROUP_MEMBER_ADD:evt' },
    })
    expect(replyRouteOf(event('GROUP_MEMBER_REMOVE', { group_openid: 'G', member_openid: 'M' }))).toBeUndefined()
    expect(
      replyRouteOf(event('INTERACTION_CREATE', { id: 'i1', chat_type: 1, group_openid: 'G', group_member_openid: 'M' }))
        ?.target,
    ).toMatchObject({ scene: 'group', targetId: 'G', reference: { kind: 'event_id', id: 'i1' } })
    expect(
      replyRouteOf(event('INTERACTION_CREATE', { id: 'i2', chat_type: 2, user_openid: 'U' }))?.target,
    ).toMatchObject({ scene: 'c2c', targetId: 'U' })
    expect(
      replyRouteOf(event('INTERACTION_CREATE', { id: 'i3', chat_type: 0, channel_id: 'C', guild_id: 'g' }))?.target,
    ).toMatchObject({ scene: 'guild', targetId: 'C' })
    // Neither chat_type nor scene: the scene id the payload carries decides.
    expect(
      replyRouteOf(event('INTERACTION_CREATE', { id: 'i4', group_openid: 'G', group_member_openid: 'M' }))?.target,
    ).toMatchObject({ scene: 'group', targetId: 'G' })
  })

  it('GIVEN an answerable event whose payload lacks the target or the id THEN the route names exactly what is missing', () => {
    expect(
      replyRouteOf(event('GROUP_AT_MESSAGE_CREATE', { id: 'm', content: 'x', author: { member_openid: 'M' } })),
    ).toEqual({ missing: ['group_openid'] })
    expect(replyRouteOf(event('C2C_MESSAGE_CREATE', { content: 'x', author: {} }))).toEqual({
      missing: ['author.user_openid', 'id'],
    })
    expect(replyRouteOf({ ...event('FRIEND_ADD', { openid: 'U' }), id: undefined })).toEqual({
      missing: ['the event id'],
    })
    expect(replyRouteOf(event('C2C_MESSAGE_CREATE', 'not an object'))).toEqual({
      missing: ['author.user_openid', 'id'],
    })
  })
})

describe('ReplySender and a payload without its reply target', () => {
  it('GIVEN a group message without group_openid THEN reply() rejects with REPLY_TARGET_MISSING naming the field, before any call', async () => {
    let calls = 0
    const api = new Proxy({}, { get: () => () => void calls++ }) as unknown as OpenApi
    const sender = new ReplySender(api)
    const error = await sender
      .reply(event('GROUP_AT_MESSAGE_CREATE', { id: 'm', content: 'x', author: { member_openid: 'M' } }, 'E1'), 'hi')
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ReplyTargetMissingError)
    expect(error).toMatchObject({ code: 'REPLY_TARGET_MISSING' })
    expect((error as Error).message).toContain(
      'Cannot reply to GROUP_AT_MESSAGE_CREATE (event E1): its payload has no group_openid',
    )
    expect(calls).toBe(0)
  })
})
