import { describe, expect, it } from 'vitest'
import { CreateQqbotError } from './errors.js'
import { folderFromName, nameFromFolder, packageNameProblem, parseFlags, planFromFlags } from './options.js'

function parseError(argv: string[]): CreateQqbotError {
  try {
    parseFlags(argv)
  } catch (error) {
    expect(error).toBeInstanceOf(CreateQqbotError)
    return error as CreateQqbotError
  }
  throw new Error(`parseFlags(${argv.join(' ')}) did not throw`)
}

describe('parseFlags', () => {
  it('GIVEN every flag THEN each one lands in its field', () => {
    expect(
      parseFlags(['my-bot', '--template', 'webhook', '--pm', 'pnpm', '--name', '@acme/bot', '--no-install', '-y']),
    ).toEqual({
      folder: 'my-bot',
      template: 'webhook',
      packageManager: 'pnpm',
      name: '@acme/bot',
      install: false,
      yes: true,
      help: false,
      version: false,
    })
    expect(parseFlags(['--template=basic', '--pm=yarn', '--install', '-h', '-v'])).toMatchObject({
      template: 'basic',
      packageManager: 'yarn',
      install: true,
      help: true,
      version: true,
    })
  })

  it('GIVEN short flags THEN they mean the same as the long ones', () => {
    expect(parseFlags(['-t', 'webhook', '-n', 'bot', '-y'])).toMatchObject({
      template: 'webhook',
      name: 'bot',
      yes: true,
    })
  })

  it('GIVEN no flags THEN nothing is decided (to be asked or defaulted)', () => {
    expect(parseFlags([])).toEqual({ yes: false, help: false, version: false })
  })

  it('GIVEN an unknown template THEN the error names the value and lists the templates', () => {
    const error = parseError(['--template', 'cluster'])
    expect(error.code).toBe('INVALID_VALUE')
    expect(error.message).toBe('Unknown template "cluster" for --template. Valid values: basic, webhook, distributed.')
  })

  it('GIVEN --template distributed THEN it is accepted, long and short', () => {
    expect(parseFlags(['--template', 'distributed']).template).toBe('distributed')
    expect(parseFlags(['-t', 'distributed', '-y']).template).toBe('distributed')
    expect(planFromFlags(parseFlags(['bot', '--template=distributed']), { cwd: '/work' })).toMatchObject({
      template: 'distributed',
      name: 'bot',
    })
  })

  it('GIVEN an unknown package manager THEN the error lists npm, pnpm and yarn', () => {
    expect(parseError(['--pm', 'bun']).message).toBe(
      'Unknown package manager "bun" for --pm. Valid values: npm, pnpm, yarn.',
    )
  })

  it('GIVEN an unknown flag THEN the error names it and lists the valid ones', () => {
    const error = parseError(['--tempalte', 'basic'])
    expect(error.code).toBe('UNKNOWN_FLAG')
    expect(error.message).toMatch(
      /^Unknown option --tempalte\. Valid options: --name \(-n\), --template \(-t\), --plugin \(-p\), --lang, --pm, --from, --install, --no-install, --yes \(-y\), --help \(-h\), --version \(-v\)\./,
    )
  })

  it('GIVEN a flag without its value THEN the error says so and shows the choices', () => {
    expect(parseError(['--template']).message).toMatch(
      /^--template needs a value: one of basic, webhook, distributed\./,
    )
    expect(parseError(['--pm', '--yes']).message).toMatch(/^--pm needs a value: one of npm, pnpm, yarn\./)
    expect(parseError(['--template']).code).toBe('MISSING_VALUE')
  })

  it('GIVEN a value on a switch, both install flags, or two folders THEN each is refused with the reason', () => {
    expect(parseError(['--yes=no']).message).toMatch(/^--yes takes no value/)
    expect(parseError(['--install', '--no-install']).message).toMatch(/contradict/)
    expect(parseError(['one', 'two']).code).toBe('TOO_MANY_ARGUMENTS')
  })

  it('GIVEN an invalid --name THEN the error says which rule it breaks', () => {
    expect(parseError(['--name', 'My Bot']).message).toBe(
      '--name "My Bot" is not a valid npm package name: it has upper-case letters. Example: --name my-bot',
    )
    expect(parseError(['--name', '_bot']).message).toMatch(/may not start with \. or _/)
  })
})

describe('--lang', () => {
  it('GIVEN --lang zh-CN or en THEN it lands in locale, with or without =', () => {
    expect(parseFlags(['bot', '--lang', 'en']).locale).toBe('en')
    expect(parseFlags(['bot', '--lang=zh-CN']).locale).toBe('zh-CN')
  })

  it('GIVEN an unknown language THEN the error names the value and lists zh-CN and en', () => {
    const error = parseError(['--lang', 'zh'])
    expect(error.code).toBe('INVALID_VALUE')
    expect(error.message).toBe('Unknown language "zh" for --lang. Valid values: zh-CN, en.')
    expect(parseError(['--lang', 'EN']).message).toContain('Valid values: zh-CN, en.')
  })

  it('GIVEN --lang without a value THEN the error says so and shows the choices', () => {
    const error = parseError(['--lang'])
    expect(error.code).toBe('MISSING_VALUE')
    expect(error.message).toMatch(/^--lang needs a value: one of zh-CN, en\./)
  })

  it('GIVEN no --lang THEN the plan is zh-CN (the framework default); GIVEN --lang en THEN en', () => {
    expect(planFromFlags(parseFlags(['bot']), { cwd: '/work' }).locale).toBe('zh-CN')
    expect(planFromFlags(parseFlags(['bot', '--yes', '--lang', 'en']), { cwd: '/work' }).locale).toBe('en')
  })
})

describe('--from', () => {
  it('GIVEN --from THEN it lands in its field and the package manager is npm', () => {
    expect(parseFlags(['bot', '--from', '../qqbot'])).toMatchObject({ from: '../qqbot', packageManager: 'npm' })
    expect(parseFlags(['bot', '--from=../qqbot', '--pm', 'npm'])).toMatchObject({ packageManager: 'npm' })
  })

  it('GIVEN --from with --pm pnpm or yarn THEN it is refused, saying npm only', () => {
    for (const pm of ['pnpm', 'yarn']) {
      const error = parseError(['bot', '--from', '../qqbot', '--pm', pm])
      expect(error.code).toBe('INVALID_VALUE')
      expect(error.message).toContain(`--from works with npm only`)
      expect(error.message).toContain(`not --pm ${pm}`)
    }
  })

  it('GIVEN --from without a value or with an empty one THEN the error says what to give', () => {
    expect(parseError(['--from']).message).toContain('--from needs a value: the folder of a qqbot clone')
    expect(parseError(['--from', ' ']).message).toContain('--from is empty. Give the folder of a qqbot clone')
  })
})

describe('package names and folders', () => {
  it('GIVEN names THEN valid npm names pass and others get a reason', () => {
    expect(packageNameProblem('my-bot')).toBeUndefined()
    expect(packageNameProblem('@acme/qq.bot_2')).toBeUndefined()
    expect(packageNameProblem('')).toBe('it is empty')
    expect(packageNameProblem('a'.repeat(215))).toBe('it is longer than 214 characters')
    expect(packageNameProblem('bot!')).toMatch(/only lower-case letters/)
  })

  it('GIVEN a folder name THEN the package name is a cleaned-up version of it', () => {
    expect(nameFromFolder('/home/me/My Bot')).toBe('my-bot')
    expect(nameFromFolder('.hidden')).toBe('hidden')
    expect(nameFromFolder('!!!')).toBe('my-qqbot')
    expect(packageNameProblem(nameFromFolder('/x/Über Bot (2)'))).toBeUndefined()
  })

  it('GIVEN a scoped name THEN its folder drops the scope', () => {
    expect(folderFromName('@acme/bot')).toBe('bot')
    expect(folderFromName('bot')).toBe('bot')
  })
})

describe('planFromFlags (non-interactive)', () => {
  it('GIVEN only a folder THEN the name comes from it and everything else takes its default', () => {
    expect(planFromFlags(parseFlags(['Cool Bot']), { cwd: '/work' })).toEqual({
      name: 'cool-bot',
      targetDir: '/work/Cool Bot',
      template: 'basic',
      locale: 'zh-CN',
      packageManager: 'npm',
      install: true,
    })
  })

  it('GIVEN nothing THEN the default name is also the folder', () => {
    expect(planFromFlags(parseFlags([]), { cwd: '/work' })).toMatchObject({
      name: 'my-qqbot',
      targetDir: '/work/my-qqbot',
    })
  })

  it('GIVEN --name without a folder THEN the folder is the name without its scope', () => {
    expect(planFromFlags(parseFlags(['--name', '@acme/bot']), { cwd: '/work' })).toMatchObject({
      name: '@acme/bot',
      targetDir: '/work/bot',
    })
  })

  it('GIVEN pnpm ran us THEN pnpm is the default package manager, and --pm still wins', () => {
    const userAgent = 'pnpm/9.15.0 npm/? node/v20.18.1 linux x64'
    expect(planFromFlags(parseFlags([]), { cwd: '/w', userAgent }).packageManager).toBe('pnpm')
    expect(planFromFlags(parseFlags(['--pm', 'yarn']), { cwd: '/w', userAgent }).packageManager).toBe('yarn')
    expect(planFromFlags(parseFlags([]), { cwd: '/w', userAgent: 'bun/1.1.0' }).packageManager).toBe('npm')
  })
})
