// `npm run create -- <folder> [flags]`: creates a bot project from this clone (run after `tsc -b`, which the
// script does first). The folder is relative to where npm was run (INIT_CWD), not to the repository root.
import { fileURLToPath } from 'node:url'
import { runCli } from '../packages/create-qqbot/dist/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))

process.exitCode = await runCli(['--from', root, ...process.argv.slice(2)], {
  cwd: process.env.INIT_CWD ?? process.cwd(),
  env: process.env,
  interactive: process.stdin.isTTY === true,
})
