import type { Writable } from 'node:stream'
import { CreateQqbotError } from './errors.js'
import { PACKAGE_MANAGERS, type PackageManagerName } from './package-managers.js'
import { runCommand } from './run-command.js'

export interface InstallOptions {
  env: NodeJS.ProcessEnv
  /** Where the installer's stderr is shown; default process.stderr. */
  errorOutput?: Writable
}

/** The command that creates a project from a clone of the repository, for messages. */
export const FROM_CLONE_HINT =
  'In a clone of the qqbot repository (git clone, then npm ci), run: npm run create -- <folder>. Or run create-qqbot <folder> --from <path of the clone>.'

/**
 * Runs `<pm> install` in the new project, its output going to the terminal. A failure says what to check; a
 * failure because the registry has no `@qqbot/*` package says that they are not published yet and how to
 * create the project from a clone instead.
 */
export async function installDependencies(
  packageManager: PackageManagerName,
  cwd: string,
  options: InstallOptions,
): Promise<void> {
  const install = PACKAGE_MANAGERS[packageManager].install
  const [command, ...args] = install.split(' ') as [string, ...string[]]
  const retry = `The project files are written; once that is fixed, run: cd ${cwd} && ${install}`
  const result = await runCommand(command, args, {
    cwd,
    env: options.env,
    stdout: 'inherit',
    ...(options.errorOutput && { errorOutput: options.errorOutput }),
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CreateQqbotError(
      'INSTALL_FAILED',
      `${install} could not start in ${cwd} (${error.code === 'ENOENT' ? `${command} is not installed or not on PATH` : error.message}). Install ${command} or choose another one with --pm. ${retry}`,
      { cause: error },
    )
  })
  if (result.code === 0) return
  const missing = missingQqbotPackage(result.stderr)
  if (missing) {
    throw new CreateQqbotError(
      'PACKAGES_NOT_PUBLISHED',
      `${install} failed: the registry has no ${missing}. The qqbot packages are not published on the npm registry yet. ${FROM_CLONE_HINT} The files written in ${cwd} can be deleted.`,
    )
  }
  const how = result.signal ? `was stopped by ${result.signal}` : `failed with exit code ${result.code}`
  throw new CreateQqbotError(
    'INSTALL_FAILED',
    `${install} ${how} in ${cwd}. Check the installer's messages above: the network and the registry it uses (npm config get registry), the Node version (20.18.1 or later), the disk space. ${retry}`,
  )
}

/** The `@qqbot/*` package a registry answered 404 for, from an installer's stderr (npm, pnpm and yarn word it differently). */
export function missingQqbotPackage(stderr: string): string | undefined {
  for (const line of stderr.split('\n')) {
    if (!/\b404\b|E404|not found/i.test(line)) continue
    const match = /@qqbot(?:\/|%2f)([a-z0-9-._~]+)/i.exec(line)
    if (match) return `@qqbot/${match[1]!.toLowerCase()}`
  }
  return undefined
}
