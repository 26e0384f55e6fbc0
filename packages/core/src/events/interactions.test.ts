import { describe, expect, it } from 'vitest'
import { interactionChatType, interactionUserId } from './interactions.js'

describe('interactionUserId', () => {
  it("GIVEN each scene THEN the clicking user comes from that scene's field", () => {
    const resolved = { user_id: 'GUILD_USER' }
    expect(interactionUserId({ id: 'i', chat_type: 0, data: { resolved } })).toBe('GUILD_USER')
    expect(interactionUserId({ id: 'i', chat_type: 1, group_member_openid: 'MEMBER', data: { resolved } })).toBe(
      'MEMBER',
    )
    expect(interactionUserId({ id: 'i', chat_type: 2, user_openid: 'USER', data: { resolved } })).toBe('USER')
    expect(interactionUserId({ id: 'i', scene: 'group', group_member_openid: 'MEMBER' })).toBe('MEMBER')
  })

  it('GIVEN the scene field missing THEN the one id present is used; none gives undefined', () => {
    expect(interactionUserId({ id: 'i', chat_type: 1, user_openid: 'USER' })).toBe('USER')
    expect(interactionUserId({ id: 'i', chat_type: 2 })).toBeUndefined()
  })

  it('GIVEN no chat_type THEN the scene, then the ids carried, decide the chat type', () => {
    expect(interactionChatType({ scene: 'c2c' })).toBe(2)
    expect(interactionChatType({ user_openid: 'U' })).toBe(2)
    expect(interactionChatType({ group_openid: 'G' })).toBe(1)
    expect(interactionChatType({})).toBe(0)
  })
})
