import { describe, expect, it } from 'vitest'
import { mentionedChannel, mentionedUser } from './resolvers.js'

describe('reference resolvers', () => {
  it.each([
    ['<@!123>', '123'],
    ['<@456>', '456'],
    ['789', '789'],
  ])('GIVEN user %s THEN id %s', (input, id) => {
    expect(mentionedUser().parse(input)).toBe(id)
  })

  it('GIVEN a channel mention or id THEN the id; GIVEN garbage THEN a clear issue', () => {
    expect(mentionedChannel().parse('<#42>')).toBe('42')
    expect(mentionedChannel().parse('42')).toBe('42')
    const result = mentionedUser().safeParse('not a user!')
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toBe('expected a user mention (@someone) or an id')
    expect(mentionedChannel().safeParse('<@!1>').success).toBe(false)
  })
})
