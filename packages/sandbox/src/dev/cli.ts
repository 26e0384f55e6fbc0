import { parseArgs } from 'node:util'
import { startDevRunner } from './dev-runner.js'

const USAGE = `Usage: qqbot-dev [entry] [--env-file .env] [--build]

Compiles the project with tsc --watch and restarts the bot (default entry: dist/index.js) after every
compile without errors that changed built JavaScript; when only the modules of plugins the bot registered
with enableDevReload changed, those plugins are reloaded in place instead (at most 100 times, or +10% RSS,
before a restart frees the old code). Reads variables from .env (the shell's own win). Log lines are
printed readable.
--build compiles with tsc --build (a tsconfig.json with project references).`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'env-file': { type: 'string' }, build: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
})
if (values.help) {
  console.log(USAGE)
} else {
  const runner = await startDevRunner({ entry: positionals[0], envFile: values['env-file'], build: values.build })
  const stop = () => void runner.stop().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
