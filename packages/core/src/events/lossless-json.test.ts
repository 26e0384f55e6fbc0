import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseJsonLossless, quoteUnsafeIntegers } from './lossless-json.js'

describe('parseJsonLossless', () => {
  it('turns integers beyond 2^53 into their exact decimal strings', () => {
    const text = '{"op":0,"s":42,"d":{"id":12345678901234567891,"guild_id":-9007199254740993,"n":9007199254740991}}'
    expect(parseJsonLossless(text)).toEqual({
      op: 0,
      s: 42,
      d: { id: '12345678901234567891', guild_id: '-9007199254740993', n: 9007199254740991 },
    })
  })

  it('leaves digits inside strings alone, escaped quotes included', () => {
    const text = String.raw`{"content":"call 12345678901234567891 \"12345678901234567892\" \\","id":12345678901234567893}`
    expect(parseJsonLossless(text)).toEqual({
      content: 'call 12345678901234567891 "12345678901234567892" \\',
      id: '12345678901234567893',
    })
  })

  it('keeps fractions and exponents as numbers', () => {
    const text = '[12345678901234567.5, 1e300, 12345678901234567e2]'
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text))
    expect((parseJsonLossless(text) as unknown[]).every((value) => typeof value === 'number')).toBe(true)
  })

  it('rejects malformed text as JSON.parse does', () => {
    expect(() => parseJsonLossless('{"id":12345678901234567891')).toThrow(SyntaxError)
    expect(() => parseJsonLossless('{"a":"12345678901234567891')).toThrow(SyntaxError)
  })

  it('finds a bare number after whitespace, at the start of an array and after a comma', () => {
    expect(parseJsonLossless('{"a": 12345678901234567891}')).toEqual({ a: '12345678901234567891' })
    expect(parseJsonLossless('[12345678901234567891,\n 12345678901234567892]')).toEqual([
      '12345678901234567891',
      '12345678901234567892',
    ])
    expect(parseJsonLossless('12345678901234567891')).toBe(JSON.parse('12345678901234567891'))
  })

  it('GIVEN a big integer nested deeper than the parsed value is walked THEN it is still kept exact', () => {
    const depth = 200
    const text = `${'{"a":['.repeat(depth)}12345678901234567891,1${']}'.repeat(depth)}`
    let value = parseJsonLossless(text) as { a: unknown[] }
    for (let i = 1; i < depth; i++) value = value.a[0] as { a: unknown[] }
    expect(value.a).toEqual(['12345678901234567891', 1])
  })

  it('GIVEN safe numbers only, at any depth THEN the value is what JSON.parse gives', () => {
    const text = `${'['.repeat(100)}9007199254740991,-9007199254740991,0.5${']'.repeat(100)}`
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text))
  })

  it('returns the same string object when nothing needs quoting', () => {
    const text = '{"a":"1234567890123456789"}'
    expect(quoteUnsafeIntegers(text)).toBe(text)
  })

  it('agrees with JSON.parse on any JSON without unsafe integers', () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((value) => !hasUnsafeInteger(value)),
        (value) => {
          const text = JSON.stringify(value)
          expect(parseJsonLossless(text)).toEqual(JSON.parse(text))
        },
      ),
    )
  })

  it('keeps every big integer exact wherever it sits', () => {
    const bigId = fc
      .tuple(fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 64n }), fc.boolean())
      .map(([n, negative]) => (negative ? -n : n))
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), bigId), { minLength: 1, maxLength: 8 }), (entries) => {
        const text = `{${entries.map(([key, id], i) => `${JSON.stringify(key + i)}:${id}`).join(',')}}`
        const parsed = parseJsonLossless(text) as Record<string, string>
        entries.forEach(([key, id], i) => expect(parsed[key + i]).toBe(String(id)))
      }),
    )
  })
})

function hasUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && !Number.isSafeInteger(value)
  if (Array.isArray(value)) return value.some(hasUnsafeInteger)
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasUnsafeInteger)
  return false
}
