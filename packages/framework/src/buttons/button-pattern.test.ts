import { describe, expect, it } from 'vitest'
import { buttonPatternsOverlap, matchButtonPattern, parseButtonPattern } from './button-pattern.js'

const p = parseButtonPattern

describe('button patterns', () => {
  it('GIVEN {name} parts THEN they capture up to the next ":" and literal text (regex characters too) matches itself', () => {
    expect(matchButtonPattern(p('roll:{sides}'), 'roll:20')).toEqual({ sides: '20' })
    expect(matchButtonPattern(p('roll:{sides}'), 'roll:20:3')).toBeUndefined()
    expect(matchButtonPattern(p('roll:{sides}'), 'roll:')).toBeUndefined()
    expect(matchButtonPattern(p('vote:{poll}:{choice}'), 'vote:p1:yes')).toEqual({ poll: 'p1', choice: 'yes' })
    expect(matchButtonPattern(p('page-{n}.(next)'), 'page-3.(next)')).toEqual({ n: '3' })
    expect(matchButtonPattern(p('page-{n}.(next)'), 'page-3x(next)')).toBeUndefined()
    expect(matchButtonPattern(p('cancel'), 'cancel')).toEqual({})
  })

  it('GIVEN a malformed pattern THEN a TypeError says what is wrong', () => {
    expect(() => p('')).toThrow(/is empty/)
    expect(() => p('roll:{')).toThrow(/"\{" at 6 must start a \{name\}/)
    expect(() => p('roll:{1x}')).toThrow(/must start a \{name\}/)
    expect(() => p('a}')).toThrow(/closes nothing/)
    expect(() => p('{a}:{a}')).toThrow(/\{a\} appears twice/)
    expect(() => p('{a}{b}')).toThrow(/follows another \{name\} directly/)
    expect(() => p('x'.repeat(129))).toThrow(/at most 128/)
  })

  it.each([
    ['roll:{sides}', 'roll:{n}', true],
    ['roll:{sides}', 'roll:20', true],
    ['roll:{sides}', 'roll:{sides}:{times}', false],
    ['vote:{poll}:yes', 'vote:p1:{choice}', true],
    ['vote:{poll}:yes', 'vote:{poll}:no', false],
    ['{a}', 'x:y', false],
    ['{a}x', 'y{b}', true],
    ['a{x}b', 'a{y}c', false],
    ['page', 'pages', false],
    ['item-{id}', '{kind}-7', true],
  ])('GIVEN %s and %s THEN overlap is %s (both ways)', (a, b, overlap) => {
    expect(buttonPatternsOverlap(p(a), p(b))).toBe(overlap)
    expect(buttonPatternsOverlap(p(b), p(a))).toBe(overlap)
  })
})
