import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { EXPECTATIONS } from '../i18n/expectations.js'
import { MESSAGES, ZOD_LOCALES, type Locale } from '../i18n/messages.js'
import { expectedValue, quoteGiven } from './expected-value.js'

function expected(schema: z.ZodType, input: unknown, locale: Locale = 'en'): string | undefined {
  const result = schema.safeParse(input, { error: ZOD_LOCALES[locale] })
  if (result.success) throw new Error(`${JSON.stringify(input)} was accepted`)
  return expectedValue(result.error.issues[0], EXPECTATIONS[locale])
}

describe('expectedValue', () => {
  it.each<[string, z.ZodType, string, string, string]>([
    ['a number typed as a word', z.coerce.number(), 'abc', 'a number', '数字'],
    ['a fraction for an int', z.coerce.number().int(), '2.5', 'a whole number', '整数'],
    ['below a minimum', z.coerce.number().int().min(2), '1', 'a number of at least 2', '不小于 2 的数字'],
    ['above a maximum', z.coerce.number().max(100), '101', 'a number of at most 100', '不大于 100 的数字'],
    ['not positive', z.coerce.number().positive(), '0', 'a number greater than 0', '大于 0 的数字'],
    ['text too short', z.string().min(3), 'ab', 'at least 3 characters', '至少 3 个字符'],
    ['text too long', z.string().max(3), 'abcd', 'at most 3 characters', '最多 3 个字符'],
    ['text of the wrong length', z.string().length(2), 'abc', 'exactly 2 characters', '正好 2 个字符'],
    ['an enum', z.enum(['red', 'blue']), 'green', 'one of red, blue', '以下之一：red、blue'],
    ['a multiple', z.coerce.number().multipleOf(5), '7', 'a multiple of 5', '5 的倍数'],
    ['a format', z.email(), 'me', 'an email address', '邮箱地址'],
    ['a pattern', z.string().regex(/^\d+$/), 'x', 'text matching /^\\d+$/', '符合 /^\\d+$/ 的文本'],
    ['a union', z.union([z.literal('all'), z.coerce.number()]), 'x', 'all or a number', 'all或数字'],
  ])('GIVEN %s THEN it says what to type, in English and Chinese', (_case, schema, input, en, zh) => {
    expect(expected(schema, input, 'en')).toBe(en)
    expect(expected(schema, input, 'zh-CN')).toBe(zh)
  })

  it('GIVEN a custom check THEN there is no expectation: its own message is the reason', () => {
    expect(
      expected(
        z.string().refine(() => false, 'must be nice'),
        'x',
      ),
    ).toBeUndefined()
  })

  it('GIVEN /roll abc THEN both languages name the argument, what was typed and what is expected, never NaN', () => {
    const params = { name: 'sides', given: 'abc', usage: '/roll [sides]' }
    const en = MESSAGES.en.ARGUMENT_INVALID({ ...params, expected: 'a whole number', reason: 'NaN' })
    const zh = MESSAGES['zh-CN'].ARGUMENT_INVALID({ ...params, expected: '整数', reason: 'NaN' })
    expect(en).toBe('Invalid argument sides: "abc" is not a whole number.\nUsage: /roll [sides]')
    expect(zh).toBe('参数 sides 无效：“abc”不是整数。\n用法：/roll [sides]')
    expect(MESSAGES.en.ARGUMENT_INVALID({ name: 'who', given: 'x', reason: 'must be nice' })).toBe(
      'Invalid argument who: "x": must be nice.',
    )
  })

  it('GIVEN long or multi-line input THEN the quote is one line and shortened', () => {
    expect(quoteGiven('a\n  b')).toBe('a b')
    expect(quoteGiven('x'.repeat(100))).toBe(`${'x'.repeat(39)}…`)
  })
})
