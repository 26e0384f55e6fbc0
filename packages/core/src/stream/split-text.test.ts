import { describe, expect, it } from 'vitest'
import { splitForReplies } from './split-text.js'

describe('splitForReplies', () => {
  it('GIVEN a short text THEN one part; an empty one THEN none', () => {
    expect(splitForReplies('hello', 10, 3)).toEqual(['hello'])
    expect(splitForReplies('', 10, 3)).toEqual([])
  })

  it('GIVEN line breaks THEN it cuts after the last one in the second half of a part', () => {
    expect(splitForReplies('aaaaaa\nbbbbbb\ncc', 10, 5)).toEqual(['aaaaaa', 'bbbbbb\ncc'])
  })

  it('GIVEN no break THEN a hard cut, never inside a surrogate pair', () => {
    const text = 'abcd😀efgh'
    const parts = splitForReplies(text, 5, 5)
    expect(parts.join('')).toBe(text)
    expect(parts.every((part) => part.length <= 5 && !/[\ud800-\udbff]$/.test(part))).toBe(true)
  })

  it('GIVEN more text than the parts allow THEN the last part ends with … and fits', () => {
    const parts = splitForReplies('x'.repeat(50), 10, 2)
    expect(parts).toEqual(['x'.repeat(10), `${'x'.repeat(9)}…`])
  })
})
