import { describe, expect, it } from 'vitest'
import { tokenize, TokenizeError, type TokenizeOptions, type TokenizeResult } from './tokenizer.js'

const values = (result: TokenizeResult) => result.positionals.map((token) => token.value)
const flagValues = (result: TokenizeResult) =>
  Object.fromEntries([...result.flags].map(([name, flag]) => [name, flag.value]))

/** Calls `tokenize` expecting a TokenizeError and returns it. */
function tokenizeError(input: string, options?: TokenizeOptions): TokenizeError {
  try {
    tokenize(input, options)
  } catch (error) {
    if (error instanceof TokenizeError) return error
    throw error
  }
  throw new Error(`expected tokenize(${JSON.stringify(input)}) to throw a TokenizeError`)
}

describe('whitespace', () => {
  it('GIVEN words separated by spaces, tabs, newlines, U+3000 and NBSP THEN each word is one token and runs collapse', () => {
    const result = tokenize('a  b\tc\n\nd\u3000\u3000e\u00a0f\r\ng\u2003h')
    expect(values(result)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
  })

  it('GIVEN leading and trailing whitespace THEN start and end are UTF-16 indices into the original input', () => {
    const input = '  ab\u3000cd  '
    const [ab, cd] = tokenize(input).positionals
    expect(ab).toEqual({ value: 'ab', raw: 'ab', start: 2, end: 4, quoted: false })
    expect(cd).toEqual({ value: 'cd', raw: 'cd', start: 5, end: 7, quoted: false })
    expect(input.slice(cd!.start, cd!.end)).toBe('cd')
  })

  it.each(['', '   ', '\n\t\u3000 \u00a0\ufeff'])(
    'GIVEN the empty or whitespace-only input %j THEN there are no tokens and no flags',
    (input) => {
      const result = tokenize(input)
      expect(result.positionals).toEqual([])
      expect(result.flagList).toEqual([])
      expect(result.flags.size).toBe(0)
      expect(result.restFrom(0)).toBe('')
    },
  )

  it('GIVEN a zero-width space (not Unicode whitespace) THEN it does not separate', () => {
    expect(values(tokenize('a\u200bb c'))).toEqual(['a\u200bb', 'c'])
  })
})

describe('quotes', () => {
  it.each([
    ['"', '"'],
    ["'", "'"],
    ['“', '”'],
    ['‘', '’'],
    ['「', '」'],
    ['『', '』'],
  ])(
    'GIVEN a group in %s…%s THEN it is one token without the quotes in value, with them in raw, quoted',
    (open, close) => {
      const input = `say ${open}hello  big\u3000world${close} end`
      const result = tokenize(input)
      expect(values(result)).toEqual(['say', 'hello  big\u3000world', 'end'])
      const quoted = result.positionals[1]!
      expect(quoted.raw).toBe(`${open}hello  big\u3000world${close}`)
      expect(quoted.quoted).toBe(true)
      expect(quoted.start).toBe(4)
      expect(quoted.end).toBe(input.length - 4)
      expect(result.positionals[0]!.quoted).toBe(false)
    },
  )

  it('GIVEN an empty quoted group THEN it is one token with an empty value', () => {
    const result = tokenize(`a "" 「」 b`)
    expect(values(result)).toEqual(['a', '', '', 'b'])
    expect(result.positionals[1]).toEqual({ value: '', raw: '""', start: 2, end: 4, quoted: true })
  })

  it("GIVEN an apostrophe inside a word (it's) THEN it is one plain token", () => {
    const result = tokenize("it's fine, isn't it")
    expect(values(result)).toEqual(["it's", 'fine,', "isn't", 'it'])
    expect(result.positionals.every((token) => !token.quoted)).toBe(true)
  })

  it('GIVEN a quote in the middle of a word THEN it does not open a group', () => {
    expect(values(tokenize('a"b c"d'))).toEqual(['a"b', 'c"d'])
    expect(values(tokenize('key="a b"'))).toEqual(['key="a', 'b"'])
  })

  it('GIVEN a closing quote followed by more text THEN it is kept as text and the group goes on', () => {
    expect(values(tokenize("'it's' ok"))).toEqual(["it's", 'ok'])
    expect(values(tokenize('“他说“你好”吧” 嗯'))).toEqual(['他说“你好”吧', '嗯'])
  })

  it('GIVEN a quote of another kind inside a group THEN it is plain text', () => {
    expect(values(tokenize(`"she said 'hi' and “bye”" x`))).toEqual([`she said 'hi' and “bye”`, 'x'])
  })

  it('GIVEN a quoted group spanning lines THEN the newline is kept in the value', () => {
    expect(values(tokenize('"line one\nline two" next'))).toEqual(['line one\nline two', 'next'])
  })

  it('GIVEN a quoted group that looks like a flag THEN it is positional', () => {
    const result = tokenize('"--force" \'-n\'', {
      booleanFlags: new Set(['force']),
      shortFlags: new Map([['n', 'times']]),
    })
    expect(values(result)).toEqual(['--force', '-n'])
    expect(result.flagList).toEqual([])
  })

  it.each([
    ['say "hello world', 4, '"', '"'],
    ['say “你好', 4, '“', '”'],
    ['「a b』', 0, '「', '」'],
    ['"a"b', 0, '"', '"'],
    ['x --name="a b', 9, '"', '"'],
  ])(
    'GIVEN the unclosed quote in %j THEN UNCLOSED_QUOTE at the opening quote, with a message saying how to fix it',
    (input, position, open, close) => {
      const error = tokenizeError(input)
      expect(error).toBeInstanceOf(Error)
      expect(error.name).toBe('TokenizeError')
      expect(error.code).toBe('UNCLOSED_QUOTE')
      expect(error.position).toBe(position)
      expect(input[error.position]).toBe(open)
      expect(error.message).toContain(`Missing closing quote ${close}`)
      expect(error.message).toContain(`opened at position ${position}`)
      expect(error.message).toContain('escape')
      expect(error.message).toContain('\\')
    },
  )
})

describe('escapes', () => {
  it('GIVEN an escaped quote at the start of a word THEN it is a literal quote and no group opens', () => {
    const result = tokenize('\\"a b\\"')
    expect(values(result)).toEqual(['"a', 'b"'])
    expect(result.positionals[0]).toEqual({ value: '"a', raw: '\\"a', start: 0, end: 3, quoted: false })
  })

  it('GIVEN an escaped space THEN it joins the words into one token', () => {
    const result = tokenize('a\\ b c')
    expect(values(result)).toEqual(['a b', 'c'])
    expect(result.positionals[0]!.raw).toBe('a\\ b')
  })

  it('GIVEN an escaped backslash THEN the value holds one backslash', () => {
    expect(values(tokenize('C:\\\\dir \\\\'))).toEqual(['C:\\dir', '\\'])
  })

  it('GIVEN escapes inside a quoted group THEN they resolve there too (quote, backslash, closing quote)', () => {
    expect(values(tokenize('"a \\" b" “x\\” y” z'))).toEqual(['a " b', 'x” y', 'z'])
    expect(values(tokenize('"ends with \\\\"'))).toEqual(['ends with \\'])
  })

  it('GIVEN an escaped dash at the start of a word THEN it is positional, not a flag', () => {
    const result = tokenize('\\--force \\-n', { shortFlags: new Map([['n', 'times']]) })
    expect(values(result)).toEqual(['--force', '-n'])
    expect(result.flagList).toEqual([])
  })

  it('GIVEN an escaped emoji THEN the whole surrogate pair is taken', () => {
    expect(values(tokenize('\\🎲x'))).toEqual(['🎲x'])
  })

  it.each([
    ['abc \\', 4],
    ['\\', 0],
    ['"abc\\', 4],
    ['--name=\\', 7],
  ])('GIVEN the trailing lone backslash in %j THEN DANGLING_ESCAPE at the backslash', (input, position) => {
    const error = tokenizeError(input)
    expect(error.code).toBe('DANGLING_ESCAPE')
    expect(error.position).toBe(position)
    expect(error.message).toContain(`position ${position}`)
    expect(error.message).toContain('\\\\')
  })
})

describe('flags', () => {
  it('GIVEN --name value THEN the flag takes the value and the value is not positional', () => {
    const result = tokenize('a --name value b')
    expect(values(result)).toEqual(['a', 'b'])
    expect(result.flagList).toEqual([{ name: 'name', value: 'value', raw: '--name value', start: 2, end: 14 }])
    expect(result.flags.get('name')!.value).toBe('value')
  })

  it('GIVEN --name=value, --name="a b" and --name= THEN the inline value is taken, quotes removed', () => {
    expect(flagValues(tokenize('--a=value --b="x y" --c= --d=k=v --e=「引 号」'))).toEqual({
      a: 'value',
      b: 'x y',
      c: '',
      d: 'k=v',
      e: '引 号',
    })
    expect(tokenize('--b="x y" z').flagList[0]).toEqual({ name: 'b', value: 'x y', raw: '--b="x y"', start: 0, end: 9 })
  })

  it('GIVEN a quoted value after a flag THEN it is the value even when it looks like a flag', () => {
    expect(flagValues(tokenize('--name "--x y"'))).toEqual({ name: '--x y' })
  })

  it('GIVEN --flag followed by another flag or the end THEN its value is true', () => {
    const result = tokenize('x --a --b')
    expect(flagValues(result)).toEqual({ a: true, b: true })
    expect(values(result)).toEqual(['x'])
    expect(result.flagList[0]).toEqual({ name: 'a', value: true, raw: '--a', start: 2, end: 5 })
  })

  it('GIVEN a boolean flag from options THEN it never consumes the next word', () => {
    const result = tokenize('--force foo --other bar', { booleanFlags: new Set(['force']) })
    expect(flagValues(result)).toEqual({ force: true, other: 'bar' })
    expect(values(result)).toEqual(['foo'])
  })

  it('GIVEN a boolean flag written with = THEN the explicit value is kept for the command layer to judge', () => {
    expect(flagValues(tokenize('--force=no', { booleanFlags: new Set(['force']) }))).toEqual({ force: 'no' })
  })

  it('GIVEN -n 3 and -n=3 with n → times THEN both give times = "3" under the long name', () => {
    const shortFlags = new Map([['n', 'times']])
    const spaced = tokenize('-n 3 x', { shortFlags })
    expect(spaced.flagList).toEqual([{ name: 'times', value: '3', raw: '-n 3', start: 0, end: 4 }])
    expect(values(spaced)).toEqual(['x'])
    expect(flagValues(tokenize('-n=3 x', { shortFlags }))).toEqual({ times: '3' })
  })

  it('GIVEN a short alias of a boolean flag THEN it does not consume the next word', () => {
    const result = tokenize('-f x', { shortFlags: new Map([['f', 'force']]), booleanFlags: new Set(['force']) })
    expect(flagValues(result)).toEqual({ force: true })
    expect(values(result)).toEqual(['x'])
  })

  it('GIVEN -abc where each letter is a short alias of a boolean flag THEN each flag is true', () => {
    const options: TokenizeOptions = {
      shortFlags: new Map([
        ['a', 'all'],
        ['b', 'brief'],
        ['c', 'color'],
      ]),
      booleanFlags: new Set(['all', 'brief', 'color']),
    }
    const result = tokenize('-abc x', options)
    expect(result.flagList.map((flag) => [flag.name, flag.value, flag.raw, flag.start, flag.end])).toEqual([
      ['all', true, '-abc', 0, 4],
      ['brief', true, '-abc', 0, 4],
      ['color', true, '-abc', 0, 4],
    ])
    expect(values(result)).toEqual(['x'])
  })

  it('GIVEN -abc where a letter is unknown or not boolean THEN it is one flag named as typed', () => {
    const shortFlags = new Map([
      ['a', 'all'],
      ['b', 'brief'],
      ['n', 'times'],
    ])
    const booleanFlags = new Set(['all', 'brief'])
    expect(tokenize('-abx', { shortFlags, booleanFlags }).flagList.map((flag) => [flag.name, flag.raw])).toEqual([
      ['abx', '-abx'],
    ])
    expect(flagValues(tokenize('-abn 3', { shortFlags, booleanFlags }))).toEqual({ abn: '3' })
  })

  it('GIVEN an unknown short flag THEN its name is kept as typed and raw shows the single dash', () => {
    const result = tokenize('-x 1')
    expect(result.flagList).toEqual([{ name: 'x', value: '1', raw: '-x 1', start: 0, end: 4 }])
  })

  it('GIVEN flag names differing only in case THEN they are different flags, and booleanFlags matches exactly', () => {
    const result = tokenize('--Force a --force b', { booleanFlags: new Set(['force']) })
    expect(flagValues(result)).toEqual({ Force: 'a', force: true })
    expect(values(result)).toEqual(['b'])
  })

  it('GIVEN flag names with dashes and CJK characters THEN they are whole names', () => {
    const result = tokenize('--dry-run --次数 3 -次=2 --名字=小明', {
      shortFlags: new Map([['次', '次数']]),
      booleanFlags: new Set(['dry-run']),
    })
    expect(result.flagList.map((flag) => [flag.name, flag.value])).toEqual([
      ['dry-run', true],
      ['次数', '3'],
      ['次数', '2'],
      ['名字', '小明'],
    ])
  })

  it('GIVEN a repeated flag THEN the map keeps the last and flagList keeps every occurrence', () => {
    const result = tokenize('--tag a --tag b --tag=c')
    expect(result.flags.get('tag')!.value).toBe('c')
    expect(result.flagList.map((flag) => flag.value)).toEqual(['a', 'b', 'c'])
  })

  it('GIVEN -- THEN everything after it is positional and -- itself is not a token', () => {
    const options: TokenizeOptions = { shortFlags: new Map([['n', 'times']]), booleanFlags: new Set(['force']) }
    const result = tokenize('a --force -- --force -n 3 -- b', options)
    expect(flagValues(result)).toEqual({ force: true })
    expect(values(result)).toEqual(['a', '--force', '-n', '3', '--', 'b'])
  })

  it('GIVEN a valued flag right before -- THEN it is true and -- still ends flag parsing', () => {
    const result = tokenize('--name -- --x')
    expect(flagValues(result)).toEqual({ name: true })
    expect(values(result)).toEqual(['--x'])
  })

  it('GIVEN a dash with an empty name (--=x, -=x) THEN it is positional', () => {
    const result = tokenize('--=x -=y -="a b"')
    expect(values(result)).toEqual(['--=x', '-=y', '-=a b'])
    expect(result.flagList).toEqual([])
    // The quote after `=` only groups the value; the word as a whole is not a quoted token.
    expect(result.positionals[2]).toEqual({ value: '-=a b', raw: '-="a b"', start: 9, end: 16, quoted: false })
  })
})

describe('numbers and dashes', () => {
  it('GIVEN negative and number-like words THEN they are positional, not flags', () => {
    const result = tokenize('-5 -3.2 -.5 -1e3 -1d6 -0x1F', { shortFlags: new Map([['e', 'exact']]) })
    expect(values(result)).toEqual(['-5', '-3.2', '-.5', '-1e3', '-1d6', '-0x1F'])
    expect(result.flagList).toEqual([])
  })

  it('GIVEN --offset -5 THEN the negative number is the value', () => {
    const result = tokenize('--offset -5 --scale -.5 x')
    expect(flagValues(result)).toEqual({ offset: '-5', scale: '-.5' })
    expect(values(result)).toEqual(['x'])
  })

  it('GIVEN a lone - THEN it is positional, and a flag takes it as a value', () => {
    expect(values(tokenize('a - b'))).toEqual(['a', '-', 'b'])
    expect(flagValues(tokenize('--file -'))).toEqual({ file: '-' })
  })
})

describe('restFrom', () => {
  it('GIVEN positionals, quotes and flags THEN restFrom(i) is the text from positional i to the end as typed, trimmed', () => {
    const input = '  echo  "big   world"  --x y  \\"tail\\"  \n '
    const result = tokenize(input)
    expect(values(result)).toEqual(['echo', 'big   world', '"tail"'])
    expect(result.restFrom(0)).toBe('echo  "big   world"  --x y  \\"tail\\"')
    expect(result.restFrom(1)).toBe('"big   world"  --x y  \\"tail\\"')
    expect(result.restFrom(2)).toBe('\\"tail\\"')
  })

  it('GIVEN restFrom(positionals.length) or beyond THEN it is empty', () => {
    const result = tokenize('a b --flag')
    expect(result.restFrom(2)).toBe('')
    expect(result.restFrom(99)).toBe('')
  })

  it('GIVEN flags after the last positional THEN restFrom includes them, and a trailing -- too', () => {
    expect(tokenize('say hi --loud --').restFrom(1)).toBe('hi --loud --')
  })

  it('GIVEN a trailing escaped space THEN restFrom keeps it (it is part of the last token)', () => {
    const result = tokenize('a b\\  ')
    expect(values(result)).toEqual(['a', 'b '])
    expect(result.restFrom(0)).toBe('a b\\ ')
  })

  it('GIVEN multi-line text THEN restFrom keeps inner newlines and full-width spaces untouched', () => {
    expect(tokenize('note 第一行\n第二行\u3000完\n').restFrom(1)).toBe('第一行\n第二行\u3000完')
  })

  it.each([-1, 1.5, Number.NaN])('GIVEN the index %s THEN restFrom throws a RangeError', (index) => {
    expect(() => tokenize('a b').restFrom(index)).toThrow(RangeError)
  })
})

describe('robustness', () => {
  it('GIVEN __proto__, constructor and toString as flag names and values THEN they are ordinary flags', () => {
    const result = tokenize('--__proto__ constructor --constructor=toString --toString __proto__ --hasOwnProperty', {
      booleanFlags: new Set(['hasOwnProperty']),
    })
    expect([...result.flags.keys()]).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
    expect(result.flags.get('__proto__')!.value).toBe('constructor')
    expect(result.flags.get('constructor')!.value).toBe('toString')
    expect(result.flags.get('toString')!.value).toBe('__proto__')
    expect(result.flags.get('hasOwnProperty')!.value).toBe(true)
    expect(Object.getPrototypeOf(result.flags)).toBe(Map.prototype)
  })

  it('GIVEN __proto__ and constructor as positionals and short aliases THEN they are ordinary', () => {
    const result = tokenize('__proto__ -c constructor', { shortFlags: new Map([['c', '__proto__']]) })
    expect(values(result)).toEqual(['__proto__'])
    // (Compared through the Map: an object literal `{ __proto__: … }` would set a prototype, not a key.)
    expect([...result.flags].map(([name, flag]) => [name, flag.value])).toEqual([['__proto__', 'constructor']])
    // A short alias that is not in the map stays unknown even if Object.prototype has a property of that name.
    expect(tokenize('-constructor x').flagList[0]!.name).toBe('constructor')
  })

  it('GIVEN 100k characters of mixed input THEN it completes and every positional and flag is counted', () => {
    const unit = `ab "c d" --k v 'e' -5 「引 号」 x\\ y --b -- `
    // `--b --` in the middle of the unit ends flag parsing for everything after the first unit.
    const repeats = Math.ceil(100_000 / unit.length)
    const input = unit.repeat(repeats)
    expect(input.length).toBeGreaterThanOrEqual(100_000)
    const result = tokenize(input)
    // First unit: 6 positionals (ab, c d, e, -5, 引 号, x y), 2 flags; later units: all 10 words are positional.
    expect(result.positionals.length).toBe(6 + (repeats - 1) * 10)
    expect(result.flagList.length).toBe(2)
    expect(result.positionals[6]!.value).toBe('ab')
    expect(result.positionals.at(-1)!.value).toBe('--')
    expect(result.restFrom(result.positionals.length - 1)).toBe('--')
  })

  it('GIVEN 10,000 flags and positionals without -- THEN it completes and counts right', () => {
    const input = Array.from({ length: 5_000 }, (_, i) => `--k${i % 7}=${i} v${i}`).join(' ')
    const result = tokenize(input)
    expect(result.positionals.length).toBe(5_000)
    expect(result.flagList.length).toBe(5_000)
    expect(result.flags.size).toBe(7)
    expect(result.flags.get('k0')!.value).toBe('4998')
  })

  it('GIVEN one quoted group of 100k characters THEN it completes with the whole value', () => {
    const body = 'a b\\" '.repeat(20_000)
    const result = tokenize(`"${body}"`)
    expect(result.positionals).toHaveLength(1)
    expect(result.positionals[0]!.value).toBe('a b" '.repeat(20_000))
  })

  it('GIVEN random inputs THEN each either throws a TokenizeError or gives ordered tokens whose raw is the input slice', () => {
    const alphabet = [
      'a',
      'b',
      ' ',
      '\u3000',
      '\n',
      '"',
      "'",
      '“',
      '”',
      '「',
      '」',
      '\\',
      '-',
      '--',
      '=',
      '5',
      '.',
      '🎲',
    ]
    let seed = 12345
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    let succeeded = 0
    for (let run = 0; run < 2_000; run++) {
      const length = Math.floor(random() * 20)
      const input = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      let result: TokenizeResult
      try {
        result = tokenize(input, { shortFlags: new Map([['a', 'all']]), booleanFlags: new Set(['all']) })
      } catch (error) {
        expect(error).toBeInstanceOf(TokenizeError)
        continue
      }
      succeeded++
      let last = 0
      for (const token of result.positionals) {
        expect(token.start).toBeGreaterThanOrEqual(last)
        expect(token.raw).toBe(input.slice(token.start, token.end))
        expect(token.raw.length).toBeGreaterThan(0)
        last = token.end
      }
      for (const flag of result.flagList) expect(flag.raw).toBe(input.slice(flag.start, flag.end))
      expect(result.restFrom(result.positionals.length)).toBe('')
    }
    expect(succeeded).toBeGreaterThan(500)
  })
})

describe('emoji and surrogate pairs', () => {
  it('GIVEN emoji THEN they are whole characters and positions are UTF-16 indices', () => {
    const input = '🎲 d20 「🎲🎲」 👨‍👩‍👧'
    const result = tokenize(input)
    expect(values(result)).toEqual(['🎲', 'd20', '🎲🎲', '👨‍👩‍👧'])
    expect(result.positionals[0]).toEqual({ value: '🎲', raw: '🎲', start: 0, end: 2, quoted: false })
    expect(result.positionals[1]!.start).toBe(3)
    for (const token of result.positionals) expect(input.slice(token.start, token.end)).toBe(token.raw)
  })

  it('GIVEN an emoji short alias, alone and in a cluster THEN it maps as one character', () => {
    const options: TokenizeOptions = {
      shortFlags: new Map([
        ['🎲', 'roll'],
        ['v', 'verbose'],
      ]),
      booleanFlags: new Set(['roll', 'verbose']),
    }
    expect(flagValues(tokenize('-🎲', options))).toEqual({ roll: true })
    expect(flagValues(tokenize('-v🎲', options))).toEqual({ verbose: true, roll: true })
  })

  it('GIVEN a lone surrogate THEN it is an ordinary character', () => {
    expect(values(tokenize('\ud83c x \udfb2'))).toEqual(['\ud83c', 'x', '\udfb2'])
  })
})

describe('TokenizeError', () => {
  it('GIVEN a tokenize failure THEN the error is an Error with a stable code, a position and a fixing hint', () => {
    const error = tokenizeError('roll 「d20')
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(TokenizeError)
    expect({ code: error.code, position: error.position }).toEqual({ code: 'UNCLOSED_QUOTE', position: 5 })
    expect(error.message).toBe(
      'Missing closing quote 」 for the quote 「 opened at position 5; close it (a closing quote must be followed by a ' +
        'space or the end of the text) or escape the opening one with \\ to keep it as text',
    )
  })
})
