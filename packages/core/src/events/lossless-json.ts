/**
 * JSON parsing that keeps integers beyond 2^53 exact. The platform's ids are decimal strings as a rule,
 * but some payloads carry them as bare numbers (guild, forum and user ids of 18–19 digits); `JSON.parse`
 * would round those before anything could check them. Such an integer becomes its exact decimal string.
 *
 * Most frames have no bare number of 16 digits, so they go straight to `JSON.parse` after one regex test.
 */

/**
 * A value position (after `:`, `[` or `,`) holding a run of 16 digits, the shortest that can exceed
 * `Number.MAX_SAFE_INTEGER`. Ids in quotes (`"id":"2000000000000000002"`) do not match; a match inside a
 * string's text only costs the exact scan, which skips strings.
 */
const POSSIBLY_UNSAFE = /[:,[]\s*-?\d{16}/

/** Parses JSON text; every integer literal outside strings that is not a safe integer becomes a string. */
export function parseJsonLossless(text: string): unknown {
  if (!POSSIBLY_UNSAFE.test(text)) return JSON.parse(text)
  return JSON.parse(quoteUnsafeIntegers(text))
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
