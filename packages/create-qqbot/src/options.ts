import { basename, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CreateQqbotError } from './errors.js'
import { DEFAULT_LOCALE, LOCALE_NAMES, type Locale } from './locales.js'
import { detectPackageManager, PACKAGE_MANAGER_NAMES, type PackageManagerName } from './package-managers.js'
import type { Answers } from './render.js'
import { DEFAULT_TEMPLATE, PLUGIN_TEMPLATE, TEMPLATE_NAMES, type TemplateName } from './templates.js'

/** What the command line said. Anything absent is asked (in a terminal) or takes its default. */
export interface Flags {
  /** The positional argument: the project folder. */
  folder?: string
  name?: string
  template?: TemplateName
  /** `--plugin`: make a plugin package with this plugin name (`greet`, `@team/greet`) instead of a bot. */
  plugin?: string
  /** `--lang`: the language of the bot's replies. */
  locale?: Locale
  packageManager?: PackageManagerName
  install?: boolean
  /** `--from`: a qqbot clone whose packages the project installs from, instead of the registry. */
  from?: string
  yes: boolean
  help: boolean
  version: boolean
}

/** Everything needed to create the project. */
export interface Plan extends Answers {
  /** Absolute path of the project folder. */
  targetDir: string
  locale: Locale
  install: boolean
}

/** With `--from`, the package manager is npm: the project gets an npm lockfile. */
export const FROM_PACKAGE_MANAGER: PackageManagerName = 'npm'

export const DEFAULT_NAME = 'my-qqbot'

const OPTIONS = {
  name: { type: 'string', short: 'n' },
  template: { type: 'string', short: 't' },
  plugin: { type: 'string', short: 'p' },
  lang: { type: 'string' },
  pm: { type: 'string' },
  from: { type: 'string' },
  install: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

const HELP_HINT = 'Run create-qqbot --help for the options.'

/** Parses and checks the command line; a wrong flag or value throws with what was wrong and the valid choices. */
export function parseFlags(argv: readonly string[]): Flags {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    throw describeParseError(error)
  }
  const { values, positionals } = parsed
  if (positionals.length > 1) {
    throw new CreateQqbotError(
      'TOO_MANY_ARGUMENTS',
      `Expected at most one project folder, got ${positionals.length}: ${positionals.join(' ')}. Quote a folder name that has spaces. ${HELP_HINT}`,
    )
  }
  if (values.install && values['no-install']) {
    throw new CreateQqbotError('INVALID_VALUE', '--install and --no-install contradict each other: give one of them.')
  }
  const flags: Flags = { yes: values.yes ?? false, help: values.help ?? false, version: values.version ?? false }
  if (positionals[0] !== undefined) flags.folder = checkFolder(positionals[0])
  if (values.name !== undefined) flags.name = checkName(values.name, '--name')
  if (values.template !== undefined) flags.template = oneOf(values.template, TEMPLATE_NAMES, '--template', 'template')
  if (values.plugin !== undefined) {
    if (values.template !== undefined)
      throw new CreateQqbotError(
        'INVALID_VALUE',
        '--plugin makes a plugin package and --template chooses a bot template: give one of them.',
      )
    flags.plugin = checkPluginName(values.plugin)
  }
  if (values.lang !== undefined) flags.locale = oneOf(values.lang, LOCALE_NAMES, '--lang', 'language')
  if (values.pm !== undefined) flags.packageManager = oneOf(values.pm, PACKAGE_MANAGER_NAMES, '--pm', 'package manager')
  if (values.install) flags.install = true
  if (values['no-install']) flags.install = false
  if (values.from !== undefined) {
    flags.from = checkFrom(values.from, flags.packageManager)
    flags.packageManager = FROM_PACKAGE_MANAGER
  }
  return flags
}

/**
 * Why `name` cannot be an npm package name, or `undefined` when it can: lower case, at most 214 characters,
 * letters, digits and `-._~`, not starting with `.` or `_`, optionally `@scope/`.
 */
export function packageNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'it is empty'
  if (name.length > 214) return 'it is longer than 214 characters'
  if (name !== name.toLowerCase()) return 'it has upper-case letters'
  if (!/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name)) {
    return 'only lower-case letters, digits and - . _ ~ are allowed (optionally after @scope/), and it may not start with . or _'
  }
  return undefined
}

/** A valid package name made from a folder name: `My Bot` → `my-bot`. */
export function nameFromFolder(folder: string): string {
  const cleaned = basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9-._~]+/g, '-')
    .replace(/^[._-]+|-+$/g, '')
  return cleaned === '' ? DEFAULT_NAME : cleaned
}

/** The name a `[folder]` argument implies (its cleaned-up base name), if one was given. */
export function nameFromFlags(flags: Pick<Flags, 'folder'>, cwd: string): string | undefined {
  return flags.folder === undefined ? undefined : nameFromFolder(resolve(cwd, flags.folder))
}

/** The folder for a project of that name: `@acme/bot` → `bot`. */
export function folderFromName(name: string): string {
  return name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name
}

export interface Environment {
  cwd: string
  /** `npm_config_user_agent`, to default to the package manager that ran us. */
  userAgent?: string | undefined
}

/** The npm name of a plugin's package, by the convention plugin discovery accepts: `@team/greet` → `@team/qqbot-plugin-greet`. */
export function pluginPackageName(plugin: string): string {
  const slash = plugin.indexOf('/')
  return slash === -1
    ? `${PLUGIN_PREFIX}${plugin}`
    : `${plugin.slice(0, slash + 1)}${PLUGIN_PREFIX}${plugin.slice(slash + 1)}`
}

const PLUGIN_PREFIX = 'qqbot-plugin-'

/** The plan from the flags alone, defaults filling every gap (non-interactive runs, `--yes`). */
export function planFromFlags(flags: Flags, env: Environment): Plan {
  const name =
    flags.name ??
    (flags.plugin === undefined ? nameFromFlags(flags, env.cwd) : pluginPackageName(flags.plugin)) ??
    DEFAULT_NAME
  return {
    name,
    ...(flags.plugin !== undefined && { plugin: flags.plugin }),
    targetDir: targetDirFor(flags, name, env.cwd),
    template: flags.plugin === undefined ? (flags.template ?? DEFAULT_TEMPLATE) : PLUGIN_TEMPLATE.name,
    locale: flags.locale ?? DEFAULT_LOCALE,
    packageManager: flags.packageManager ?? detectPackageManager(env.userAgent),
    install: flags.install ?? true,
  }
}

/** The project folder: the one given, else one named after the project. */
export function targetDirFor(flags: Pick<Flags, 'folder'>, name: string, cwd: string): string {
  return resolve(cwd, flags.folder ?? folderFromName(name))
}

function checkName(name: string, flag: string): string {
  const problem = packageNameProblem(name)
  if (problem)
    throw new CreateQqbotError(
      'INVALID_VALUE',
      `${flag} "${name}" is not a valid npm package name: ${problem}. Example: ${flag} my-bot`,
    )
  return name
}

/**
 * A plugin's name as definePlugin accepts it (lowercase words joined by `-`, optionally `@scope/`); a
 * `qqbot-plugin-` prefix is dropped, as the package name adds it back.
 */
function checkPluginName(given: string): string {
  const plugin = given.replace(/^(@[^/]+\/)?qqbot-plugin-/, '$1')
  if (!/^(@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/.test(plugin))
    throw new CreateQqbotError(
      'INVALID_VALUE',
      `--plugin "${given}" is not a valid plugin name: use lowercase letters, digits and -, optionally after @scope/ (e.g. --plugin greet, or --plugin @team/greet). The package is named qqbot-plugin-<name>.`,
    )
  return plugin
}

function checkFolder(folder: string): string {
  if (folder.trim() === '')
    throw new CreateQqbotError(
      'INVALID_VALUE',
      `The project folder is empty. Give a folder name, e.g. create-qqbot my-bot`,
    )
  return folder
}

function checkFrom(from: string, packageManager: PackageManagerName | undefined): string {
  if (from.trim() === '')
    throw new CreateQqbotError(
      'INVALID_VALUE',
      '--from is empty. Give the folder of a qqbot clone, e.g. --from ../qqbot',
    )
  if (packageManager !== undefined && packageManager !== FROM_PACKAGE_MANAGER) {
    throw new CreateQqbotError(
      'INVALID_VALUE',
      `--from works with npm only (the project gets an npm lockfile built from the clone's), not --pm ${packageManager}. Leave out --pm, or create the project with npm and switch later.`,
    )
  }
  return from
}

function oneOf<T extends string>(value: string, choices: readonly T[], flag: string, what: string): T {
  const match = choices.find((choice) => choice === value)
  if (match) return match
  throw new CreateQqbotError(
    'INVALID_VALUE',
    `Unknown ${what} "${value}" for ${flag}. Valid values: ${choices.join(', ')}.`,
  )
}

function describeParseError(error: unknown): Error {
  const { code, message } = error as { code?: string; message: string }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? message
    return new CreateQqbotError('UNKNOWN_FLAG', `Unknown option ${flag}. Valid options: ${validFlags()}. ${HELP_HINT}`)
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /--[\w-]+/.exec(message)?.[0] ?? 'an option'
    const takesValue = Object.entries(OPTIONS).some(
      ([name, option]) => `--${name}` === flag && option.type === 'string',
    )
    return takesValue
      ? new CreateQqbotError('MISSING_VALUE', `${flag} needs a value${choicesOf(flag)}. ${HELP_HINT}`)
      : new CreateQqbotError('INVALID_VALUE', `${flag} takes no value (write ${flag}, not ${flag}=…). ${HELP_HINT}`)
  }
  return error instanceof Error ? error : new Error(String(error))
}

function choicesOf(flag: string): string {
  if (flag === '--template') return `: one of ${TEMPLATE_NAMES.join(', ')}`
  if (flag === '--lang') return `: one of ${LOCALE_NAMES.join(', ')}`
  if (flag === '--pm') return `: one of ${PACKAGE_MANAGER_NAMES.join(', ')}`
  if (flag === '--name') return ', e.g. --name my-bot'
  if (flag === '--plugin') return ': the plugin name, e.g. --plugin greet'
  if (flag === '--from') return ': the folder of a qqbot clone, e.g. --from ../qqbot'
  return ''
}

function validFlags(): string {
  return Object.entries(OPTIONS)
    .map(([name, option]) => ('short' in option ? `--${name} (-${option.short})` : `--${name}`))
    .join(', ')
}
