import type { Readable, Writable } from 'node:stream'
import { cancel, confirm, isCancel, select, text } from '@clack/prompts'
import { CancelledError } from './errors.js'
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locales.js'
import {
  DEFAULT_NAME,
  nameFromFlags,
  packageNameProblem,
  pluginPackageName,
  targetDirFor,
  type Environment,
  type Flags,
  type Plan,
} from './options.js'
import {
  detectPackageManager,
  PACKAGE_MANAGER_NAMES,
  PACKAGE_MANAGERS,
  type PackageManagerName,
} from './package-managers.js'
import {
  DEFAULT_TEMPLATE,
  PLUGIN_TEMPLATE,
  TEMPLATES,
  type ProjectTemplateName,
  type TemplateName,
} from './templates.js'

export interface AskContext extends Environment {
  /** Throws when the folder cannot take a new project, so the user learns it before the other questions. */
  checkTarget(targetDir: string): Promise<void>
  /** The terminal; default stdin/stdout. */
  input?: Readable
  output?: Writable
}

/** Asks, in a terminal, every question the flags left open. Ctrl+C in a prompt throws {@link CancelledError}. */
export async function askMissing(flags: Flags, context: AskContext): Promise<Plan> {
  const io = { ...(context.input && { input: context.input }), ...(context.output && { output: context.output }) }
  const answered = <T>(value: T) => answeredOrCancel(value, io)
  const name =
    flags.name ??
    (flags.plugin === undefined ? nameFromFlags(flags, context.cwd) : pluginPackageName(flags.plugin)) ??
    answered(
      await text({
        ...io,
        message: 'Project name',
        placeholder: DEFAULT_NAME,
        defaultValue: DEFAULT_NAME,
        validate: (value) => (value ? packageNameProblem(value) : undefined),
      }),
    )
  const targetDir = targetDirFor(flags, name, context.cwd)
  await context.checkTarget(targetDir)

  const template: ProjectTemplateName =
    (flags.plugin === undefined ? flags.template : PLUGIN_TEMPLATE.name) ??
    answered(
      await select<TemplateName>({
        ...io,
        message: 'Template',
        options: TEMPLATES.map((entry) => ({ value: entry.name, label: entry.name, hint: entry.hint })),
        initialValue: DEFAULT_TEMPLATE,
      }),
    )
  const locale =
    flags.locale ??
    answered(
      await select<Locale>({
        ...io,
        message:
          flags.plugin === undefined ? "Language of the bot's replies" : "Language of the plugin's texts and README",
        options: LOCALES.map((entry) => ({ value: entry.name, label: entry.label })),
        initialValue: DEFAULT_LOCALE,
      }),
    )
  const packageManager =
    flags.packageManager ??
    answered(
      await select<PackageManagerName>({
        ...io,
        message: 'Package manager',
        options: PACKAGE_MANAGER_NAMES.map((value) => ({ value, label: value })),
        initialValue: detectPackageManager(context.userAgent),
      }),
    )
  const install =
    flags.install ??
    answered(
      await confirm({
        ...io,
        message: `Install the dependencies now (${PACKAGE_MANAGERS[packageManager].install})?`,
        initialValue: true,
      }),
    )
  return {
    name,
    ...(flags.plugin !== undefined && { plugin: flags.plugin }),
    targetDir,
    template,
    locale,
    packageManager,
    install,
  }
}

function answeredOrCancel<T>(value: T, io: { output?: Writable }): Exclude<T, symbol> {
  if (isCancel(value)) {
    const error = new CancelledError()
    cancel(error.message, io)
    throw error
  }
  return value as Exclude<T, symbol>
}
