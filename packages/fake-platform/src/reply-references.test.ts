import { describe, expect, it } from 'vitest'
import {
  c2cMessage,
  c2cUserEvent,
  groupAtMessage,
  groupMemberEvent,
  groupRobotEvent,
  interaction,
} from './event-builders.js'
import { rawJson } from './raw-json.js'
import { ReplyReferences } from './reply-references.js'

function references() {
  const clock = { now: 1_000_000 }
  return { clock, refs: new ReplyReferences(() => clock.now) }
}

describe('ReplyReferences', () => {
  it('GIVEN delivered messages and answerable events THEN replies naming them in their chat are accepted', () => {
    const { refs } = references()
    const group = groupAtMessage({ content: 'hi', groupOpenid: 'G', id: 'M1' })
    const c2c = c2cMessage({ content: 'hi', userOpenid: 'U', id: 'M2' })
    refs.record(group.t, 'e1', group.d)
    refs.record(c2c.t, 'e2', c2c.d)
    refs.record('GROUP_MEMBER_ADD', 'e3', groupMemberEvent('GROUP_MEMBER_ADD', { groupOpenid: 'G' }).d)
    refs.record('FRIEND_ADD', 'e4', c2cUserEvent('FRIEND_ADD', { openid: 'U' }).d)
    const click = interaction({ scene: 'group', groupOpenid: 'G', buttonData: 'x', id: 'I1' })
    refs.record(click.t, click.id, click.d)
    expect(refs.check('group', 'G', { msg_id: 'M1', msg_seq: 1 })).toBeUndefined()
    expect(refs.check('c2c', 'U', { msg_id: 'M2' })).toBeUndefined()
    expect(refs.check('group', 'G', { event_id: 'e3' })).toBeUndefined()
    expect(refs.check('c2c', 'U', { event_id: 'e4' })).toBeUndefined()
    expect(refs.check('group', 'G', { event_id: 'I1' })).toBeUndefined()
  })

  it('GIVEN a wrong kind, another chat, an event no reply may name, or an expired one THEN the send is refused with why', () => {
    const { clock, refs } = references()
    const group = groupAtMessage({ content: 'hi', groupOpenid: 'G', id: 'M1' })
    refs.record(group.t, 'e1', rawJson(JSON.stringify(group.d)))
    refs.record('GROUP_DEL_ROBOT', 'e5', groupRobotEvent('GROUP_DEL_ROBOT', { groupOpenid: 'G' }).d)
    expect(refs.check('group', 'G', { event_id: 'M1' })).toMatchObject({
      code: 304026,
      message: expect.stringContaining('reply to it with msg_id'),
    })
    expect(refs.check('group', 'OTHER', { msg_id: 'M1' })).toMatchObject({
      code: 304026,
      message: expect.stringContaining('another chat'),
    })
    expect(refs.check('c2c', 'G', { msg_id: 'M1' })).toMatchObject({ code: 304026 })
    expect(refs.check('group', 'G', { event_id: 'e5' })).toMatchObject({
      code: 304026,
      message: expect.stringContaining('GROUP_DEL_ROBOT cannot be answered'),
    })
    clock.now += 5 * 60_000 + 1
    expect(refs.check('group', 'G', { msg_id: 'M1' })).toMatchObject({ code: 304027 })
  })

  it('GIVEN a reference the platform never delivered THEN it is let through (a test replying to its own event)', () => {
    const { refs } = references()
    expect(refs.check('group', 'G', { msg_id: 'never-seen' })).toBeUndefined()
    expect(refs.check('group', 'G', {})).toBeUndefined()
  })

  it('GIVEN C2C events an hour old THEN they are forgotten as new ones arrive (memory stays bounded)', () => {
    const { clock, refs } = references()
    for (let i = 0; i < 100; i++)
      refs.record('C2C_MESSAGE_CREATE', `e${i}`, c2cMessage({ content: 'x', userOpenid: 'U', id: `old-${i}` }).d)
    clock.now += 60 * 60_000 + 1
    refs.record('C2C_MESSAGE_CREATE', 'new', c2cMessage({ content: 'x', userOpenid: 'U', id: 'new' }).d)
    expect(refs.check('c2c', 'U', { msg_id: 'old-1' })).toBeUndefined()
    expect(refs.size).toBe(1)
  })
})
