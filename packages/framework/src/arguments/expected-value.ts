import type { z } from 'zod'
import type { ExpectationWords } from '../i18n/expectations.js'

type Issue = z.core.$ZodIssue

/**
 * What an argument's schema expected, in the user's words, from the first issue zod reported; `undefined` for
 * an issue that carries its own text (a `.refine()` message, a custom check): that text is shown as it is.
 */
export function expectedValue(issue: Issue | undefined, words: ExpectationWords): string | undefined {
  if (!issue) return undefined
  switch (issue.code) {
    case 'invalid_type':
      return words.types[issue.expected]
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return words.atLeast(issue.minimum, issue.inclusive === false)
      if (issue.origin === 'string')
        return issue.exact ? words.exactLength(issue.minimum) : words.minLength(issue.minimum)
      return undefined
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return words.atMost(issue.maximum, issue.inclusive === false)
      if (issue.origin === 'string')
        return issue.exact ? words.exactLength(issue.maximum) : words.maxLength(issue.maximum)
      return undefined
    case 'invalid_value':
      return words.oneOf(issue.values.map((value) => String(value)))
    case 'not_multiple_of':
      return words.multipleOf(issue.divisor)
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue && typeof issue.pattern === 'string')
        return words.matching(issue.pattern)
      return words.formats[issue.format]
    case 'invalid_union': {
      const alternatives = issue.errors.map((branch) => expectedValue(branch[0], words))
      return alternatives.every((alternative) => alternative !== undefined)
        ? words.or([...new Set(alternatives)])
        : undefined
    }
    default:
      return undefined
  }
}

/** Longest excerpt of what the user typed that an error repeats back. */
const MAX_GIVEN_LENGTH = 40

/** What the user typed, as an error quotes it: one line, shortened when long. */
export function quoteGiven(raw: string): string {
  const line = raw.replace(/\s+/g, ' ').trim()
  return line.length > MAX_GIVEN_LENGTH ? `${line.slice(0, MAX_GIVEN_LENGTH - 1)}…` : line
}
