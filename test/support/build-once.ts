import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url))

/** Set once every project is built for this run: `ensureBuilt` then has nothing left to do. */
export const BUILT_ENV = 'QQBOT_TEST_PACKAGES_BUILT'

function buildAll(): void {
  execFileSync(process.execPath, [TSC, '-b'], { cwd: ROOT, stdio: 'inherit' })
  process.env[BUILT_ENV] = '1'
}

/**
 * Vitest global setup: one `tsc -b` for the whole run, before any test file starts, instead of one per file that
 * starts child processes (a dozen overlapping builds on two cores, racing to write the same dist/). Workers
 * inherit the environment variable; a watch-mode rerun builds again, as sources may have changed. Skipped when
 * the variable is already set: `npm test` builds before it starts vitest.
 */
export default function setup(project: TestProject): void {
  // `npm test` (scripts/test.mjs) has built everything just before starting vitest, and says so.
  if (process.env[BUILT_ENV] !== '1') buildAll()
  project.onTestsRerun(() => buildAll())
}
