import type { FakePlatformOptions } from '@qqbot/fake-platform'
import { SandboxPortInvalidError } from './sandbox-errors.js'

/** Options for {@link startSandbox}. Every field is optional. */
export interface SandboxOptions {
  /** Port of the page; default env `QQBOT_SANDBOX_PORT` or 3000; 0 picks any free port. */
  port?: number
  /** Interface to bind; default `'127.0.0.1'` (the page is for this machine only). */
  host?: string
  /** Options for the embedded fake platform (it always listens on 127.0.0.1, on a free port by default). */
  platform?: FakePlatformOptions
}

/** Default page port when neither `port` nor `QQBOT_SANDBOX_PORT` is set. */
export const DEFAULT_SANDBOX_PORT = 3000

/** The port to listen on: the option, else `QQBOT_SANDBOX_PORT`, else 3000. Throws {@link SandboxPortInvalidError}. */
export function resolvePort(option: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) {
    if (!isPort(option)) throw new SandboxPortInvalidError(String(option), 'port')
    return option
  }
  const raw = env.QQBOT_SANDBOX_PORT
  if (raw === undefined || raw.trim() === '') return DEFAULT_SANDBOX_PORT
  const port = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
  if (!isPort(port)) throw new SandboxPortInvalidError(raw, 'QQBOT_SANDBOX_PORT')
  return port
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 65_535
}
