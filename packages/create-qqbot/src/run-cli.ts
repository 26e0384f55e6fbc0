import { relative, resolve } from 'node:path'
import type { Readable, Writable } from 'node:stream'
import { intro, log, note, outro } from '@clack/prompts'
import { assertBuilt, readClone, type Clone } from './clone.js'
import { CancelledError, CreateQqbotError } from './errors.js'
import { PACKAGES_FOLDER, useClone } from './from-clone.js'
import { helpText } from './help.js'
import { installDependencies } from './install.js'
import { parseFlags, planFromFlags, type Plan } from './options.js'
import { PACKAGE_MANAGERS } from './package-managers.js'
import { askMissing } from './prompts.js'
import { assertTargetUsable, scaffold } from './scaffold.js'
import { packageVersion } from './version.js'

export const EXIT_OK = 0
export const EXIT_ERROR = 1
export const EXIT_CANCELLED = 130

export interface CliEnvironment {
  cwd: string
  env: NodeJS.ProcessEnv
  /** Questions are asked only when stdin is a terminal; otherwise defaults answer them, so CI never hangs. */
  interactive: boolean
  /** Default process.stdin, process.stdout and process.stderr. */
  input?: Readable
  output?: Writable
  errorOutput?: Writable
}

/** The whole command: flags, questions, files, install, next steps. Resolves with the exit code. */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  const output = environment.output ?? process.stdout
  const errorOutput = environment.errorOutput ?? process.stderr
  try {
    const flags = parseFlags(argv)
    if (flags.help) return (void output.write(helpText(packageVersion())), EXIT_OK)
    if (flags.version) return (void output.write(`${packageVersion()}\n`), EXIT_OK)

    // Checked before any question or file, so a wrong --from costs nothing.
    const clone = flags.from === undefined ? undefined : await checkedClone(resolve(environment.cwd, flags.from))
    const context = { cwd: environment.cwd, userAgent: environment.env.npm_config_user_agent }
    let plan: Plan
    if (environment.interactive && !flags.yes) {
      intro(`create-qqbot ${packageVersion()}`, { output })
      plan = await askMissing(flags, {
        ...context,
        checkTarget: assertTargetUsable,
        output,
        ...(environment.input && { input: environment.input }),
      })
    } else {
      plan = planFromFlags(flags, context)
    }

    const result = await scaffold({ ...plan, ...(clone && { localPackages: PACKAGES_FOLDER }) })
    const what =
      plan.plugin === undefined
        ? `${plan.template} template, replies in ${plan.locale}`
        : `plugin "${plan.plugin}", texts in ${plan.locale}`
    log.success(`Created ${plan.name} (${what}) in ${result.targetDir}: ${result.files.length} files.`, { output })
    if (clone) {
      log.step(`Packing the qqbot packages of ${clone.root} into ${PACKAGES_FOLDER}/`, { output })
      const packed = await useClone(clone, result.targetDir, { env: environment.env, errorOutput })
      log.success(
        `The project installs ${packed.map((p) => p.name).join(', ')} from ${PACKAGES_FOLDER}/ (package-lock.json written).`,
        { output },
      )
    }
    const pm = PACKAGE_MANAGERS[plan.packageManager]
    if (plan.install) {
      log.step(`Installing the dependencies: ${pm.install}`, { output })
      await installDependencies(plan.packageManager, result.targetDir, { env: environment.env, errorOutput })
    }
    note(nextSteps(plan, environment.cwd), 'Next steps', { output })
    outro(
      plan.plugin === undefined
        ? `Without QQ credentials, ${pm.run} dev opens a local chat page. See README.md for connecting to QQ.`
        : `A bot uses it with plugins: [...] or discoverPlugins(); publish it with npm publish. See README.md.`,
      { output },
    )
    return EXIT_OK
  } catch (error) {
    if (error instanceof CancelledError) return EXIT_CANCELLED
    const message =
      error instanceof CreateQqbotError
        ? error.message
        : `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
    log.error(message, { output: errorOutput })
    return EXIT_ERROR
  }
}

async function checkedClone(root: string): Promise<Clone> {
  const clone = await readClone(root)
  assertBuilt(clone, [...clone.packages.values()])
  return clone
}

function nextSteps(plan: Plan, cwd: string): string {
  const pm = PACKAGE_MANAGERS[plan.packageManager]
  const folder = relative(cwd, plan.targetDir) || '.'
  const steps = [
    ...(folder === '.' ? [] : [`cd ${/\s/.test(folder) ? JSON.stringify(folder) : folder}`]),
    ...(plan.install ? [] : [pm.install]),
    ...(plan.plugin === undefined
      ? [
          `${pm.run} dev      # build and run; a local chat page without credentials`,
          `${pm.run} test     # the example tests`,
        ]
      : [`${pm.run} test     # the plugin's tests`, `${pm.run} readme   # the README's config table, from the schema`]),
  ]
  return steps.join('\n')
}
