/**
 * JSON parsing that keeps integers beyond 2^53 exact. The platform's ids are decimal strings as a rule,
 * but some payloads carry them as bare numbers (guild, forum and user ids of 18–19 digits); `JSON.parse`
 * would round those before anything could check them. Such an integer becomes its exact decimal string.
 *
 * Most frames hold no number past 2^53, so they are parsed once and the parsed value is checked, not the text.
 */

/**
 * A value position (after `:`, `[` or `,`) holding a run of 16 digits, the shortest that can exceed
 * `Number.MAX_SAFE_INTEGER`. Ids in quotes (`"id":"2000000000000000002"`) do not match; a match inside a
 * string's text only costs the exact scan, which skips strings.
 */
const POSSIBLY_UNSAFE = /[:,[]\s*-?\d{16}/

/** Deeper than this a parsed value is not walked: the exact scan of the text decides instead. */
const MAX_WALK_DEPTH = 64

/** Parses JSON text; every integer literal outside strings that is not a safe integer becomes a string. */
export function parseJsonLossless(text: string): unknown {
  const value: unknown = JSON.parse(text)
  // An integer literal past 2^53 parses to a number past it: a value holding no such number (almost every frame)
  // is the answer as parsed. Walking the parsed value costs a fraction of scanning the text with the regex.
  if (!mayHoldUnsafeInteger(value, 0)) return value
  if (!POSSIBLY_UNSAFE.test(text)) return value
  return JSON.parse(quoteUnsafeIntegers(text))
}

/** Whether `value` holds a number beyond the safe integers (an exponent or a fraction may too), or is too deep to tell. */
function mayHoldUnsafeInteger(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !(Math.abs(value) <= Number.MAX_SAFE_INTEGER)
  if (typeof value !== 'object' || value === null) return false
  if (depth === MAX_WALK_DEPTH) return true
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (mayHoldUnsafeInteger(value[i], depth + 1)) return true
    return false
  }
  const record = value as Record<string, unknown>
  for (const key in record) if (mayHoldUnsafeInteger(record[key], depth + 1)) return true
  return false
}

/**
 * Rewrites `{"id":12345678901234567890}` as `{"id":"12345678901234567890"}`. Strings are skipped whole
 * (escapes included), so digits inside text are never touched. Malformed text is returned for
 * `JSON.parse` to reject with its own message.
 */
export function quoteUnsafeIntegers(text: string): string {
  let out = ''
  let copiedUpTo = 0
  const length = text.length
  let i = 0
  while (i < length) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      i = endOfString(text, i)
      continue
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i
      i++
      while (i < length && isNumberChar(text.charCodeAt(i))) i++
      const literal = text.slice(start, i)
      if (isUnsafeInteger(literal)) {
        out += text.slice(copiedUpTo, start) + '"' + literal + '"'
        copiedUpTo = i
      }
      continue
    }
    i++
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo)
}

/** Index just past the closing quote of the string starting at `start` (or the end of the text). */
function endOfString(text: string, start: number): number {
  let i = start + 1
  for (;;) {
    const close = text.indexOf('"', i)
    if (close === -1) return text.length
    let backslashes = 0
    for (let j = close - 1; j > start && text.charCodeAt(j) === 0x5c; j--) backslashes++
    if (backslashes % 2 === 0) return close + 1
    i = close + 1
  }
}

function isNumberChar(c: number): boolean {
  // digits, '.', 'e', 'E', '+', '-'
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d
}

const INTEGER = /^-?\d+$/

function isUnsafeInteger(literal: string): boolean {
  const digits = literal.startsWith('-') ? literal.length - 1 : literal.length
  return digits >= 16 && INTEGER.test(literal) && !Number.isSafeInteger(Number(literal))
}
