/**
 * Button data patterns: `roll:{sides}` matches the `button_data` `roll:20` with `{ sides: '20' }`. Text outside
 * braces matches itself; a `{name}` matches one or more characters other than `:`, so `:` separates the parts of
 * the data and `roll:{sides}` never matches `roll:20:3`.
 */
export interface ButtonPattern {
  /** The pattern as written. */
  readonly source: string
  /** The `{name}` parts, in order. */
  readonly names: readonly string[]
  readonly regex: RegExp
  /** For overlap checks: literal characters, and `param` for each `{name}`. */
  readonly tokens: readonly PatternToken[]
}

type PatternToken = { literal: string } | 'param'

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
/** Longer callback data is refused by the keyboard builder, so a pattern whose literal text is longer never matches. */
const MAX_DATA_LENGTH = 128

/** Parses a pattern; a malformed one throws a `TypeError` that says what is wrong (at decoration time). */
export function parseButtonPattern(source: string): ButtonPattern {
  const fail = (rule: string) => new TypeError(`@OnButton pattern ${JSON.stringify(source)}: ${rule}`)
  if (typeof source !== 'string' || source === '') throw fail('it is empty.')
  const tokens: PatternToken[] = []
  const names: string[] = []
  let regex = '^'
  let literalLength = 0
  for (let index = 0; index < source.length;) {
    const char = source[index]!
    if (char === '}') throw fail(`"}" at ${index + 1} closes nothing; braces only wrap a {name}.`)
    if (char !== '{') {
      tokens.push({ literal: char })
      regex += escape(char)
      literalLength++
      index++
      continue
    }
    const end = source.indexOf('}', index)
    const name = end < 0 ? '' : source.slice(index + 1, end)
    if (!NAME.test(name)) throw fail(`"{" at ${index + 1} must start a {name} (letters, digits, _).`)
    if (names.includes(name)) throw fail(`{${name}} appears twice.`)
    if (tokens.at(-1) === 'param')
      throw fail(`{${name}} follows another {name} directly; put a separator between them.`)
    names.push(name)
    tokens.push('param')
    regex += '([^:]+)'
    index = end + 1
  }
  if (literalLength + names.length > MAX_DATA_LENGTH)
    throw fail(
      `it matches nothing shorter than ${literalLength + names.length} characters; callback data has at most ${MAX_DATA_LENGTH}.`,
    )
  return { source, names, regex: new RegExp(`${regex}$`, 'u'), tokens }
}

/** The `{name}` values when `data` matches, else `undefined`. */
export function matchButtonPattern(pattern: ButtonPattern, data: string): Record<string, string> | undefined {
  const match = pattern.regex.exec(data)
  if (!match) return undefined
  const params: Record<string, string> = Object.create(null) as Record<string, string>
  pattern.names.forEach((name, index) => (params[name] = match[index + 1]!))
  return params
}

/** Unit of the overlap search: a literal character, any non-`:` character, or any run of them (maybe empty). */
type Unit = string | typeof ANY | typeof STAR
const ANY = Symbol('any')
const STAR = Symbol('star')

/** True when some button data matches both patterns (so a click could not say which handler it means). */
export function buttonPatternsOverlap(a: ButtonPattern, b: ButtonPattern): boolean {
  const left = units(a)
  const right = units(b)
  const memo = new Map<number, boolean>()
  const can = (i: number, j: number): boolean => {
    const key = i * (right.length + 1) + j
    const known = memo.get(key)
    if (known !== undefined) return known
    memo.set(key, false)
    const result = step(i, j)
    memo.set(key, result)
    return result
  }
  const step = (i: number, j: number): boolean => {
    const x = left[i]
    const y = right[j]
    if (x === undefined && y === undefined) return true
    if (x === STAR) return can(i + 1, j) || (y !== undefined && (y === STAR || fitsParam(y)) && can(i, j + 1))
    if (y === STAR) return can(i, j + 1) || (x !== undefined && fitsParam(x) && can(i + 1, j))
    if (x === undefined || y === undefined) return false
    const same = x === ANY ? fitsParam(y) : y === ANY ? fitsParam(x) : x === y
    return same && can(i + 1, j + 1)
  }
  return can(0, 0)
}

function units(pattern: ButtonPattern): Unit[] {
  return pattern.tokens.flatMap((token): Unit[] => (token === 'param' ? [ANY, STAR] : [token.literal]))
}

function fitsParam(unit: Unit): boolean {
  return unit !== ':'
}

function escape(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char
}
