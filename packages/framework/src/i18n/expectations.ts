import type { Locale } from './messages.js'

/**
 * The words an argument error uses to say what a schema expects ("a whole number of at least 2"), per
 * language. Built from zod's issue, so a user reads what to type instead of zod's internal names ("NaN", "int").
 */
export interface ExpectationWords {
  /** By zod's `expected` of an `invalid_type` issue: `number`, `int`, `boolean`, … */
  types: Record<string, string>
  /** A number of at least / more than / at most / less than `bound` (`exclusive` for `>`/`<`). */
  atLeast(bound: number | bigint, exclusive: boolean): string
  atMost(bound: number | bigint, exclusive: boolean): string
  /** Text of at least / at most / exactly `count` characters. */
  minLength(count: number | bigint): string
  maxLength(count: number | bigint): string
  exactLength(count: number | bigint): string
  oneOf(values: string[]): string
  multipleOf(divisor: number | bigint): string
  /** By zod's string `format`: `email`, `url`, …; `regex` gets the pattern. */
  formats: Record<string, string>
  matching(pattern: string): string
  /** Joins the alternatives of a union. */
  or(alternatives: string[]): string
}

export const EXPECTATIONS: Record<Locale, ExpectationWords> = {
  'zh-CN': {
    types: {
      number: '数字',
      int: '整数',
      bigint: '整数',
      boolean: 'true 或 false',
      string: '文本',
      date: '日期（如 2026-01-31）',
    },
    atLeast: (bound, exclusive) => `${exclusive ? '大于' : '不小于'} ${bound} 的数字`,
    atMost: (bound, exclusive) => `${exclusive ? '小于' : '不大于'} ${bound} 的数字`,
    minLength: (count) => `至少 ${count} 个字符`,
    maxLength: (count) => `最多 ${count} 个字符`,
    exactLength: (count) => `正好 ${count} 个字符`,
    oneOf: (values) => (values.length === 1 ? values[0]! : `以下之一：${values.join('、')}`),
    multipleOf: (divisor) => `${divisor} 的倍数`,
    formats: { email: '邮箱地址', url: '网址（如 https://example.com）', uuid: 'UUID', datetime: '日期时间' },
    matching: (pattern) => `符合 ${pattern} 的文本`,
    or: (alternatives) => alternatives.join('或'),
  },
  en: {
    types: {
      number: 'a number',
      int: 'a whole number',
      bigint: 'a whole number',
      boolean: 'true or false',
      string: 'some text',
      date: 'a date (like 2026-01-31)',
    },
    atLeast: (bound, exclusive) => (exclusive ? `a number greater than ${bound}` : `a number of at least ${bound}`),
    atMost: (bound, exclusive) => (exclusive ? `a number less than ${bound}` : `a number of at most ${bound}`),
    minLength: (count) => `at least ${count} characters`,
    maxLength: (count) => `at most ${count} characters`,
    exactLength: (count) => `exactly ${count} characters`,
    oneOf: (values) => (values.length === 1 ? values[0]! : `one of ${values.join(', ')}`),
    multipleOf: (divisor) => `a multiple of ${divisor}`,
    formats: {
      email: 'an email address',
      url: 'a URL (like https://example.com)',
      uuid: 'a UUID',
      datetime: 'a date and time',
    },
    matching: (pattern) => `text matching ${pattern}`,
    or: (alternatives) => alternatives.join(' or '),
  },
}
