import { parseArgs } from 'node:util'
import { startDevRunner } from './dev-runner.js'

const USAGE = `Usage: qqbot-dev [entry] [--env-file .env] [--build] [--reloads 100]

Compiles the project with tsc --watch and restarts the bot (default entry: dist/index.js) after every
compile without errors that changed built JavaScript; when only the modules of plugins the bot registered
with enableDevReload changed, those plugins are reloaded in place instead. Reads variables from .env (the
shell's own win). Log lines are printed readable.
--build compiles with tsc --build (a tsconfig.json with project references).
--reloads is how many plugin reloads in place a bot process gets before the next change restarts it to free
the old code (default 100; also restarted once its RSS grew 10%); 0 restarts on every change.`

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'env-file': { type: 'string' },
    build: { type: 'boolean' },
    reloads: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
const reloads = values.reloads === undefined ? 100 : Number(values.reloads)
if (values.help) {
  console.log(USAGE)
} else if (!Number.isInteger(reloads) || reloads < 0) {
  console.error(`qqbot-dev: --reloads takes a whole number of reloads (0 or more), not ${values.reloads}.`)
  process.exitCode = 1
} else {
  const runner = await startDevRunner({
    entry: positionals[0],
    envFile: values['env-file'],
    build: values.build,
    reloadInPlace: reloads === 0 ? false : { reloads },
  })
  const stop = () => void runner.stop().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
