import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Child processes run the built packages (dist/), as users do. `tsc -b` is incremental: nearly free when
 * CI has just built, and it keeps a local run from testing stale output.
 */
export function ensureBuilt(projects: string[]): void {
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-b', ...projects],
    { cwd: ROOT, stdio: 'inherit' },
  )
}
