import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { BUILT_ENV } from './build-once.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Child processes run the built packages (dist/), as users do. `tsc -b` is incremental: nearly free when
 * CI has just built, and it keeps a local run from testing stale output. Under vitest, the global setup
 * (build-once.ts) has already built every project for the run.
 */
export function ensureBuilt(projects: string[]): void {
  if (process.env[BUILT_ENV] === '1') return
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-b', ...projects],
    { cwd: ROOT, stdio: 'inherit' },
  )
}
