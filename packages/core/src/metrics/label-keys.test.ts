import { describe, expect, it } from 'vitest'
import { LabelKeys } from './label-keys.js'

describe('LabelKeys', () => {
  it('GIVEN one label THEN its key is name="value", the same text whether asked once or again', () => {
    const keys = new LabelKeys()
    expect(keys.of({ route: 'POST /v2/groups/{group_openid}/messages' })).toBe(
      'route="POST /v2/groups/{group_openid}/messages"',
    )
    expect(keys.of({ route: 'POST /v2/groups/{group_openid}/messages' })).toBe(
      'route="POST /v2/groups/{group_openid}/messages"',
    )
    expect(keys.of({ scene: 'group' })).toBe('scene="group"')
  })

  it('GIVEN a number and its text THEN both name one series', () => {
    const keys = new LabelKeys()
    expect(keys.of({ op: 0 })).toBe('op="0"')
    expect(keys.of({ op: '0' })).toBe('op="0"')
    expect(keys.of({ op: 0 })).toBe('op="0"')
  })

  it('GIVEN a value to escape THEN the cached key is escaped too', () => {
    const keys = new LabelKeys()
    expect(keys.of({ route: 'say "hi"\\\n' })).toBe('route="say \\"hi\\"\\\\\\n"')
    expect(keys.of({ route: 'say "hi"\\\n' })).toBe('route="say \\"hi\\"\\\\\\n"')
  })

  it('GIVEN more distinct values than the cache keeps THEN every value still gets its own key', () => {
    const keys = new LabelKeys()
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 3_000; i++) expect(keys.of({ route: `GET /users/${i}` })).toBe(`route="GET /users/${i}"`)
  })

  it('GIVEN several labels or none THEN names are sorted and joined, whatever their order', () => {
    const keys = new LabelKeys()
    expect(keys.of({ route: 'POST /x', code: 1 })).toBe('code="1",route="POST /x"')
    expect(keys.of({ code: 1, route: 'POST /x' })).toBe('code="1",route="POST /x"')
    expect(keys.of({})).toBe('')
  })
})
