// npm test: builds the packages (`tsc -b`), then type-checks the tests and examples (`tsc -p tsconfig.test.json`)
// while vitest runs, instead of before it: the type check takes a core for about ten seconds, and most of the
// suite's time is spent waiting on sockets and child processes. Fails when either fails; the type errors are
// printed after vitest's report. Arguments go to vitest (`npm test -- test/webhook.test.ts`).
import { spawn, execFileSync } from 'node:child_process'
import { setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = (path) => fileURLToPath(new URL(`../node_modules/${path}`, import.meta.url))

execFileSync(process.execPath, [bin('typescript/bin/tsc'), '-b'], { cwd: root, stdio: 'inherit' })

/**
 * Runs a node script to its end; resolves with its exit code and, unless inherited, its output. `niceness` lowers
 * its CPU priority (0 to 19).
 */
function run(script, args, { inherit, niceness = 0 }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: inherit ? 'inherit' : 'pipe' })
    if (niceness > 0 && child.pid !== undefined) setPriority(child.pid, niceness)
    let output = ''
    child.stdout?.on('data', (chunk) => (output += chunk))
    child.stderr?.on('data', (chunk) => (output += chunk))
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }))
  })
}

// At the lowest priority: the suite keeps both cores busy most of the time, and the type check then takes the
// moments the tests wait (sockets, timers, child processes) instead of taking cores from them.
const typecheck = run(bin('typescript/bin/tsc'), ['-p', 'tsconfig.test.json'], { inherit: false, niceness: 19 })
// Built above: vitest's global setup (test/support/build-once.ts) need not run `tsc -b` again.
process.env.QQBOT_TEST_PACKAGES_BUILT = '1'
const tests = run(bin('vitest/vitest.mjs'), ['run', ...process.argv.slice(2)], { inherit: true })
const [types, vitest] = await Promise.all([typecheck, tests])

if (types.code !== 0) {
  process.stderr.write(`\nType errors in the tests or examples (tsc -p tsconfig.test.json):\n${types.output}\n`)
}
process.exitCode = types.code !== 0 ? types.code : vitest.code
