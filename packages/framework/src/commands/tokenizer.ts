/**
 * The tokenizer: the first step of argument parsing. It turns the text after a command name into positional
 * arguments and flags, aware of quotes (ASCII, Chinese and corner brackets), backslash escapes, `--name value`
 * / `--name=value` / `-n 3` flags, clustered short booleans and the `--` terminator.
 *
 * Pure: no I/O and no state between calls. One pass over the input, so the cost is linear in its length.
 * Positions (`start`, `end`) are UTF-16 indices into the input, `end` exclusive, so `input.slice(start, end)`
 * is always the text as typed; surrogate pairs (emoji) are never split.
 */

/** A positional argument. */
export interface Token {
  /** The argument with quotes removed and escapes resolved. */
  value: string
  /** The argument exactly as typed (quotes and backslashes included). */
  raw: string
  start: number
  end: number
  /** True when the whole argument was one quoted group (`"a b"`, `“a b”`, `「a b」`…). */
  quoted: boolean
}

/** A flag (`--name`, `--name value`, `--name=value`, `-n 3`, one letter of `-abc`). */
export interface FlagToken {
  /** The long name: after `--`, or what a short alias maps to. An unknown short alias keeps its name as typed. */
  name: string
  /** The value (quotes removed, escapes resolved), or `true` for a flag given without a value. */
  value: string | true
  /** The flag and its value exactly as typed (`--name "a b"`, `-n=3`, the whole `-abc` for each of a, b, c). */
  raw: string
  start: number
  end: number
}

export interface TokenizeResult {
  /** Positional arguments in order. */
  positionals: Token[]
  /** Flags by name (last one wins for repeats; every occurrence is in `flagList` too). */
  flags: Map<string, FlagToken>
  /** Every flag occurrence in input order. */
  flagList: FlagToken[]
  /**
   * The raw text from positional `index` to the end of the input, exactly as typed (quotes, escapes and flags
   * included), without surrounding whitespace. `''` when `index >= positionals.length`.
   * @throws RangeError when `index` is not a non-negative integer.
   */
  restFrom(index: number): string
}

export interface TokenizeOptions {
  /** Long names of flags that take no value (`--force`), so `--force foo` leaves `foo` positional. */
  booleanFlags?: ReadonlySet<string>
  /** Short aliases without the dash, mapped to long names: `n` → `times` makes `-n 3` mean `--times 3`. */
  shortFlags?: ReadonlyMap<string, string>
}

export type TokenizeErrorCode = 'UNCLOSED_QUOTE' | 'DANGLING_ESCAPE'

/** The input cannot be split into arguments. `code` is stable; `message` says what is wrong and how to fix it. */
export class TokenizeError extends Error {
  readonly code: TokenizeErrorCode
  /** UTF-16 index in the input: the opening quote, or the dangling backslash. */
  readonly position: number

  constructor(code: TokenizeErrorCode, position: number, message: string) {
    super(message)
    this.name = 'TokenizeError'
    this.code = code
    this.position = position
  }
}

/** Opening quote → closing quote. All are single UTF-16 code units. */
const QUOTES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["'", "'"],
  ['\u201C', '\u201D'], // “ ”
  ['\u2018', '\u2019'], // ‘ ’
  ['\u300C', '\u300D'], // 「 」
  ['\u300E', '\u300F'], // 『 』
])

const BACKSLASH = 0x5c
const DASH = 0x2d
const EQUALS = 0x3d
const EMPTY_SET: ReadonlySet<string> = new Set()
const EMPTY_MAP: ReadonlyMap<string, string> = new Map()

/** JavaScript's `\s` (which includes U+FEFF) plus Unicode White_Space (which adds U+0085). */
const NON_ASCII_WHITESPACE = /^[\s\p{White_Space}]$/u

function isWhitespace(code: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d)
  return NON_ASCII_WHITESPACE.test(String.fromCodePoint(code))
}

/** Width in UTF-16 code units of the code point at `index` (2 for a surrogate pair, else 1). */
function widthAt(input: string, index: number): number {
  const code = input.charCodeAt(index)
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < input.length) {
    const low = input.charCodeAt(index + 1)
    if (low >= 0xdc00 && low <= 0xdfff) return 2
  }
  return 1
}

/** True at the end of input or when whitespace starts at `index`. */
function isBoundary(input: string, index: number): boolean {
  return index >= input.length || isWhitespace(input.codePointAt(index) ?? 0)
}

function danglingEscape(position: number): TokenizeError {
  return new TokenizeError(
    'DANGLING_ESCAPE',
    position,
    `The backslash at position ${position} ends the text and escapes nothing; remove it, or write \\\\ for a literal backslash`,
  )
}

function unclosedQuote(position: number, open: string, close: string): TokenizeError {
  return new TokenizeError(
    'UNCLOSED_QUOTE',
    position,
    `Missing closing quote ${close} for the quote ${open} opened at position ${position}; close it (a closing quote ` +
      `must be followed by a space or the end of the text) or escape the opening one with \\ to keep it as text`,
  )
}

/** One whitespace-separated word, before it is classified as positional, flag or `--`. */
interface Word {
  /** Quotes removed, escapes resolved. */
  value: string
  start: number
  end: number
  quoted: boolean
  /** For words starting with a literal `-`: the index in `value` of the first literal `=`, else -1. */
  eq: number
}

/**
 * Reads the quoted group whose opening quote is at `open`. A closing quote counts only when followed by
 * whitespace or the end of input, so `'it's'` is `it's` and `“他说“你好”吧”` is `他说“你好”吧`.
 */
function readQuoted(input: string, open: number, close: string): { value: string; end: number } {
  let value = ''
  let runStart = open + 1
  let i = runStart
  while (i < input.length) {
    const code = input.charCodeAt(i)
    if (code === BACKSLASH) {
      if (i + 1 >= input.length) throw danglingEscape(i)
      const width = widthAt(input, i + 1)
      value += input.slice(runStart, i) + input.slice(i + 1, i + 1 + width)
      i += 1 + width
      runStart = i
    } else if (input[i] === close && isBoundary(input, i + 1)) {
      return { value: value + input.slice(runStart, i), end: i + 1 }
    } else {
      i += widthAt(input, i)
    }
  }
  throw unclosedQuote(open, input[open] ?? '', close)
}

/** Splits the input into words: whitespace separates, quotes group (only at the start of a word), `\` escapes. */
function lex(input: string): Word[] {
  const words: Word[] = []
  const length = input.length
  let i = 0
  for (;;) {
    while (i < length) {
      const code = input.codePointAt(i) ?? 0
      if (!isWhitespace(code)) break
      i += code > 0xffff ? 2 : 1
    }
    if (i >= length) return words

    const start = i
    const flagHead = input.charCodeAt(i) === DASH
    let value = ''
    let quoted = false
    let eq = -1
    /** Where a quote may open: the start of the word, or right after the `=` of `--name=`. */
    let quoteAt = i
    let runStart = i
    while (i < length) {
      const code = input.codePointAt(i) ?? 0
      if (isWhitespace(code)) break
      if (i === quoteAt) {
        const close = QUOTES.get(input[i] ?? '')
        if (close !== undefined) {
          const group = readQuoted(input, i, close)
          value += group.value
          quoted = i === start
          i = runStart = group.end
          break // a closing quote is always followed by whitespace or the end
        }
      }
      if (code === BACKSLASH) {
        if (i + 1 >= length) throw danglingEscape(i)
        const width = widthAt(input, i + 1)
        value += input.slice(runStart, i) + input.slice(i + 1, i + 1 + width)
        i += 1 + width
        runStart = i
      } else if (code === EQUALS && flagHead && eq < 0) {
        value += input.slice(runStart, i)
        eq = value.length
        value += '='
        i += 1
        runStart = quoteAt = i
      } else {
        i += code > 0xffff ? 2 : 1
      }
    }
    value += input.slice(runStart, i)
    words.push({ value, start, end: i, quoted, eq })
  }
}

type WordKind = 'positional' | 'terminator' | 'long' | 'short'

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9'
}

/**
 * Only a word whose first character is a literal `-` (not escaped, not quoted) can be a flag. A lone `-`, a
 * number-like word (`-5`, `-3.2`, `-.5`, `-1e3`, `-1d6`: a dash then a digit, or a dash, a dot and a digit) and a
 * dash with an empty name (`-=x`, `--=x`) are positional; `--` alone ends flag parsing.
 */
function classify(word: Word, input: string): WordKind {
  if (input.charCodeAt(word.start) !== DASH) return 'positional'
  const { value, eq } = word
  if (input.charCodeAt(word.start + 1) === DASH) {
    if (word.end - word.start === 2) return 'terminator'
    return eq === 2 ? 'positional' : 'long'
  }
  if (value.length === 1 || eq === 1) return 'positional'
  const next = value[1]
  if (isDigit(next) || (next === '.' && isDigit(value[2]))) return 'positional'
  return 'short'
}

function toToken(word: Word, input: string): Token {
  return {
    value: word.value,
    raw: input.slice(word.start, word.end),
    start: word.start,
    end: word.end,
    quoted: word.quoted,
  }
}

/**
 * Splits `input` (the text after a command name) into positional arguments and flags.
 * @throws TokenizeError on an unclosed quote (`UNCLOSED_QUOTE`) or a trailing lone backslash (`DANGLING_ESCAPE`).
 */
export function tokenize(input: string, options: TokenizeOptions = {}): TokenizeResult {
  const booleanFlags = options.booleanFlags ?? EMPTY_SET
  const shortFlags = options.shortFlags ?? EMPTY_MAP
  const words = lex(input)
  const positionals: Token[] = []
  const flagList: FlagToken[] = []
  let flagsEnded = false

  for (let k = 0; k < words.length; k++) {
    const word = words[k] as Word
    const kind: WordKind = flagsEnded ? 'positional' : classify(word, input)
    if (kind === 'positional') {
      positionals.push(toToken(word, input))
      continue
    }
    if (kind === 'terminator') {
      flagsEnded = true
      continue
    }

    const dashes = kind === 'long' ? 2 : 1
    const typedName = word.eq < 0 ? word.value.slice(dashes) : word.value.slice(dashes, word.eq)
    const inline = word.eq < 0 ? undefined : word.value.slice(word.eq + 1)
    let name = typedName
    if (kind === 'short') {
      const mapped = shortFlags.get(typedName)
      if (mapped !== undefined) {
        name = mapped
      } else if (inline === undefined) {
        const cluster = booleanCluster(typedName, shortFlags, booleanFlags)
        if (cluster !== undefined) {
          const raw = input.slice(word.start, word.end)
          for (const each of cluster) flagList.push({ name: each, value: true, raw, start: word.start, end: word.end })
          continue
        }
      }
    }

    let value: string | true = true
    let end = word.end
    if (inline !== undefined) {
      value = inline
    } else if (!booleanFlags.has(name)) {
      const next = words[k + 1]
      if (next !== undefined && classify(next, input) === 'positional') {
        value = next.value
        end = next.end
        k++
      }
    }
    flagList.push({ name, value, raw: input.slice(word.start, end), start: word.start, end })
  }

  const flags = new Map<string, FlagToken>()
  for (const flag of flagList) flags.set(flag.name, flag)
  const textEnd = words.length > 0 ? (words[words.length - 1] as Word).end : 0

  return {
    positionals,
    flags,
    flagList,
    restFrom(index: number): string {
      if (!Number.isInteger(index) || index < 0) {
        throw new RangeError(`restFrom expects a non-negative integer positional index, got ${String(index)}`)
      }
      const token = positionals[index]
      return token === undefined ? '' : input.slice(token.start, textEnd)
    },
  }
}

/**
 * `-abc` as three boolean flags: only when there are at least two characters and every one (by code point) is a
 * known short alias of a boolean flag. Returns the long names, or undefined when it is not such a cluster.
 */
function booleanCluster(
  letters: string,
  shortFlags: ReadonlyMap<string, string>,
  booleanFlags: ReadonlySet<string>,
): string[] | undefined {
  const names: string[] = []
  for (const letter of letters) {
    const name = shortFlags.get(letter)
    if (name === undefined || !booleanFlags.has(name)) return undefined
    names.push(name)
  }
  return names.length >= 2 ? names : undefined
}
