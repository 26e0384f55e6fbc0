import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Writable } from 'node:stream'
import { compileErrorsIn } from './compile-output.js'
import { devEnvironment } from './dev-env.js'

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
}

export interface DevRunner {
  /** Stops the compiler and the bot. */
  stop(): Promise<void>
}

/**
 * `qqbot-dev`: compiles the project in watch mode and (re)starts the bot after every compile without errors,
 * so an edit shows up on save. A compile with errors keeps the running bot and says so.
 */
export async function startDevRunner(options: DevRunnerOptions = {}): Promise<DevRunner> {
  const cwd = resolve(options.cwd ?? '.')
  const entry = resolve(cwd, options.entry ?? 'dist/index.js')
  const envFile = resolve(cwd, options.envFile ?? '.env')
  const messages = options.messages ?? process.stderr
  const output = options.prettyLogs === false ? (options.output ?? process.stdout) : await prettied(options.output)
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000
  const say = (line: string) => messages.write(`[qqbot-dev] ${line}\n`)

  let app: ChildProcess | undefined
  let restarting = Promise.resolve()
  let stopped = false

  const startApp = () => {
    app = spawn(process.execPath, ['--enable-source-maps', entry], {
      cwd,
      env: devEnvironment(envFile),
      stdio: ['inherit', 'pipe', 'pipe'],
    })
    app.stdout?.pipe(output, { end: false })
    app.stderr?.pipe(output, { end: false })
    const started = app
    started.once('exit', (code, signal) => {
      if (app === started && !stopped)
        say(`the bot exited (${signal ?? `code ${code}`}); it starts again on the next save`)
    })
  }
  const restart = (errors: number) => {
    if (errors > 0) {
      say(`${errors} compile error(s): the running bot is kept; fix them and save`)
      return
    }
    restarting = restarting.then(async () => {
      if (stopped) return
      const running = app
      app = undefined
      if (running) say('compiled: restarting the bot')
      await stopChild(running, stopTimeoutMs)
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
      await restarting
      await Promise.all([stopChild(app, stopTimeoutMs), stopChild(compiler, stopTimeoutMs)])
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
