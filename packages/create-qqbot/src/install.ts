import { spawn } from 'node:child_process'
import { CreateQqbotError } from './errors.js'
import { PACKAGE_MANAGERS, type PackageManagerName } from './package-managers.js'

/** Runs `<pm> install` in the new project, its output going straight to the terminal. */
export async function installDependencies(packageManager: PackageManagerName, cwd: string): Promise<void> {
  const [command, ...args] = PACKAGE_MANAGERS[packageManager].install.split(' ') as [string, ...string[]]
  const failure = (detail: string, cause?: unknown) =>
    new CreateQqbotError(
      'INSTALL_FAILED',
      `${command} ${args.join(' ')} ${detail} in ${cwd}. The project files are written; fix the problem, then run: cd ${cwd} && ${PACKAGE_MANAGERS[packageManager].install}`,
      { cause },
    )
  await new Promise<void>((resolve, reject) => {
    // Windows runs npm/pnpm/yarn through .cmd shims, which need a shell.
    const child = spawn(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' })
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        failure(
          error.code === 'ENOENT'
            ? `could not start (${command} is not installed or not on PATH)`
            : `could not start (${error.message})`,
          error,
        ),
      ),
    )
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(failure(signal ? `was stopped by ${signal}` : `failed with exit code ${code}`)),
    )
  })
}
