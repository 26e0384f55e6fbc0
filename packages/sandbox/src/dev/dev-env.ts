import { existsSync, readFileSync } from 'node:fs'
import { parseEnv } from 'node:util'

/**
 * The environment of the bot under `qqbot-dev`: the variables of `envFile` (when it exists) under this
 * process's own, so a variable set in the shell wins over the file. Read anew at every restart, so an edit
 * to `.env` takes effect on the next save.
 */
export function devEnvironment(envFile: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!existsSync(envFile)) return { ...base }
  const fromFile = parseEnv(readFileSync(envFile, 'utf8')) as Record<string, string>
  return { ...fromFile, ...base }
}
