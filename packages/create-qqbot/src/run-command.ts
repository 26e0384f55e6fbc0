import { spawn } from 'node:child_process'
import type { Writable } from 'node:stream'

export interface CommandOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  /** `inherit`: the command's output goes to the terminal; `capture`: stdout is collected and returned. */
  stdout: 'inherit' | 'capture'
  /** Where the command's stderr is shown while it runs (it is also collected); default process.stderr. */
  errorOutput?: Writable
}

export interface CommandResult {
  /** The exit code, or `undefined` when a signal stopped it. */
  code: number | undefined
  signal: NodeJS.Signals | undefined
  /** Collected stdout (`capture` only). */
  stdout: string
  /** The end of stderr (the last 64 KiB), also shown on `errorOutput`. */
  stderr: string
}

const KEPT_STDERR = 64 * 1024

/** Runs a command and resolves when it exits; rejects (with the spawn error, e.g. ENOENT) only when it cannot start. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const errorOutput = options.errorOutput ?? process.stderr
  return new Promise((resolve, reject) => {
    // Windows runs npm/pnpm/yarn through .cmd shims, which need a shell.
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['inherit', options.stdout === 'capture' ? 'pipe' : 'inherit', 'pipe'],
      shell: process.platform === 'win32',
    })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => {
      errorOutput.write(chunk)
      stderr = (stderr + chunk.toString()).slice(-KEPT_STDERR)
    })
    child.once('error', reject)
    child.once('close', (code, signal) =>
      resolve({ code: code ?? undefined, signal: signal ?? undefined, stdout, stderr }),
    )
  })
}

/**
 * The environment for a nested npm: without the variables of an npm script that runs us (`npm run create`
 * sets the calling package's and workspace's), which would point the nested npm at that package. The user's
 * own npm settings (`npm_config_cache`, `npm_config_offline`, `npm_config_registry`, …) stay.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([key]) =>
        !/^npm_(package_|lifecycle_|command$|config_(local_prefix|workspaces?|include_workspace_root)$)/i.test(key),
    ),
  )
}
