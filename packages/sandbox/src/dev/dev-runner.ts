import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Writable } from 'node:stream'
import { compileErrorsIn } from './compile-output.js'
import { devEnvironment } from './dev-env.js'
import { changedFiles, snapshotBuiltFiles, type BuiltFile } from './built-files.js'
import { BotProcess } from './bot-process.js'
import type { ReloadBudget } from './reload-budget.js'
import { DEV_RELOAD_ENV } from './reload-protocol.js'

export interface DevRunnerOptions {
  /** The built entry point to run, relative to `cwd`. Default `dist/index.js`. */
  entry?: string
  /** The project directory (its `tsconfig.json`, `.env` and `node_modules/typescript`). Default the current directory. */
  cwd?: string
  /** Variables for the bot, under the shell's own. Default `.env` in `cwd`. */
  envFile?: string
  /** Where the bot's output goes. Default stdout. */
  output?: Writable
  /** Print JSON log lines as one readable line each (pino-pretty); other lines pass as they are. Default true. */
  prettyLogs?: boolean
  /** Where the runner's own lines and the compiler's go. Default stderr. */
  messages?: Writable
  /** How long a stopping bot may take before it is killed. Default 5 s. */
  stopTimeoutMs?: number
  /** Compile with `tsc --build` (a solution `tsconfig.json` with project references). Default false. */
  build?: boolean
  /**
   * When a rebuild changes only plugin modules the bot registered with `enableDevReload`, reload those plugins
   * in place instead of restarting; after this budget is spent, the next change restarts the bot (old ES
   * modules stay in memory until then). `false`: always restart. Default `{ reloads: 100, rssGrowth: 0.1 }`.
   */
  reloadInPlace?: ReloadBudget | false
}

export interface DevRunner {
  /** Stops the compiler and the bot. */
  stop(): Promise<void>
}

/**
 * `qqbot-dev`: compiles the project in watch mode and (re)starts the bot after every compile without errors,
 * so an edit shows up on save; a compile that changed only plugin modules reloads those plugins in place
 * (see {@link DevRunnerOptions.reloadInPlace}). A compile with errors keeps the running bot and says so.
 */
export async function startDevRunner(options: DevRunnerOptions = {}): Promise<DevRunner> {
  const cwd = resolve(options.cwd ?? '.')
  const entry = resolve(cwd, options.entry ?? 'dist/index.js')
  const envFile = resolve(cwd, options.envFile ?? '.env')
  const messages = options.messages ?? process.stderr
  const output = options.prettyLogs === false ? (options.output ?? process.stdout) : await prettied(options.output)
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000
  const say = (line: string) => messages.write(`[qqbot-dev] ${line}\n`)

  let built: Map<string, BuiltFile> | undefined
  let app: BotProcess | undefined
  let queue = Promise.resolve()
  let stopped = false

  const startApp = () => {
    const started = new BotProcess(
      spawn(process.execPath, ['--enable-source-maps', entry], {
        cwd,
        env: { ...devEnvironment(envFile), ...(options.reloadInPlace === false ? {} : { [DEV_RELOAD_ENV]: '1' }) },
        stdio: ['inherit', 'pipe', 'pipe', 'ipc'],
      }),
      options.reloadInPlace || {},
    )
    app = started
    started.child.stdout?.pipe(output, { end: false })
    started.child.stderr?.pipe(output, { end: false })
    started.child.once('exit', (code, signal) => {
      if (app === started && !stopped)
        say(`the bot exited (${signal ?? `code ${code}`}); it starts again on the next save`)
    })
  }
  /** Reloads the changed plugin modules in the running bot: true, or why it restarts instead. */
  const reloadInPlace = async (running: BotProcess | undefined, changed: string[]): Promise<true | string> => {
    const other = running?.notOwned(changed) ?? changed
    if (!running || other.length > 0) {
      const shown = other.slice(0, 3).map((file) => relative(cwd, file))
      return `compiled: restarting the bot${shown.length > 0 ? ` (${shown.join(', ')}${other.length > 3 ? ', …' : ''} changed)` : ''}`
    }
    const spent = running.budget.spent()
    if (spent) return `compiled: restarting the bot (${spent})`
    say(`compiled: reloading ${changed.map((file) => relative(cwd, file)).join(', ')} in place`)
    const started = performance.now()
    const result = await running.reload(changed)
    if (result.qqbotDev === 'reload-failed') return `the reload failed (${result.message}): restarting the bot`
    const ms = Math.round(performance.now() - started)
    say(`plugin ${result.plugins.join(', ')} reloaded in place (v${result.generation}, ${ms} ms)`)
    return true
  }
  const restart = (errors: number) => {
    if (errors > 0) {
      say(`${errors} compile error(s): the running bot is kept; fix them and save`)
      return
    }
    queue = queue.then(async () => {
      if (stopped) return
      const before = built
      built = snapshotBuiltFiles(cwd, before)
      const changed = before ? changedFiles(before, built) : []
      const running = app
      if (before && running && !running.exited && changed.length === 0) {
        say('compiled: no built JavaScript changed; the bot keeps running')
        return
      }
      const reloaded =
        options.reloadInPlace === false || !before
          ? 'compiled: restarting the bot'
          : await reloadInPlace(running, changed)
      if (reloaded === true) return
      app = undefined
      if (running) say(reloaded)
      await stopChild(running?.child, stopTimeoutMs)
      if (!stopped) startApp()
    })
  }

  const mode = options.build ? ['--build', '--watch'] : ['--watch']
  const compiler = spawn(process.execPath, [typescriptCompiler(cwd), ...mode, '--preserveWatchOutput'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  compiler.stderr.pipe(messages, { end: false })
  createInterface({ input: compiler.stdout }).on('line', (line) => {
    const errors = compileErrorsIn(line)
    if (errors === undefined) {
      if (line.trim() !== '') messages.write(`${line}\n`)
      return
    }
    restart(errors)
  })
  compiler.once('exit', (code) => {
    if (!stopped) say(`the TypeScript compiler exited (code ${code}); stopping`)
    void runner.stop()
  })

  const runner: DevRunner = {
    async stop() {
      if (stopped) return
      stopped = true
      await queue
      await Promise.all([stopChild(app?.child, stopTimeoutMs), stopChild(compiler, stopTimeoutMs)])
    },
  }
  return runner
}

/** The project's own `tsc`, so the version its lockfile pins compiles it. */
function typescriptCompiler(cwd: string): string {
  try {
    return createRequire(join(cwd, 'package.json')).resolve('typescript/bin/tsc')
  } catch (error) {
    throw new Error(`qqbot-dev needs TypeScript in ${cwd}: run npm install --save-dev typescript there`, {
      cause: error,
    })
  }
}

/** Stops a child: SIGTERM (the bot's own graceful stop), then SIGKILL after the timeout. */
async function stopChild(child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  await exited
  clearTimeout(timer)
}

/** A stream that writes to `output` (default stdout) through pino-pretty. */
async function prettied(output: Writable = process.stdout): Promise<Writable> {
  const { default: pretty } = await import('pino-pretty')
  const colorize = (output as Writable & { isTTY?: boolean }).isTTY === true
  return pretty({ destination: output, colorize, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true })
}
