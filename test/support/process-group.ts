import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach } from 'vitest'
import { fileURLToPath } from 'node:url'

const SCRIPTS = {
  shards: fileURLToPath(new URL('./scale-out-process.mjs', import.meta.url)),
  worker: fileURLToPath(new URL('./stream-worker-process.mjs', import.meta.url)),
  prompts: fileURLToPath(new URL('./prompt-worker-process.mjs', import.meta.url)),
  partitioned: fileURLToPath(new URL('./partition-worker-process.mjs', import.meta.url)),
}

/** A bot process started from scale-out-process.mjs, with what it reported on stdout. */
export interface BotProcess {
  name: string
  child: ChildProcess
  handled: string[]
  shards: number[]
  /** The stream partitions a partitioned worker holds, as it last reported. */
  partitions: number[]
  started: boolean
  /** The messages (`msg`) of the log lines the process wrote, when started with LOG_LEVEL (default silent). */
  logs: string[]
  /** Those log lines whole (JSON), to print when a test fails. */
  logLines: string[]
  exited: Promise<number | null>
  stderr: string[]
}

/** Starts one bot process (a shard owner, or a stream worker); `env` configures it (see the scripts). */
export function startBotProcess(
  name: string,
  env: Record<string, string>,
  kind: keyof typeof SCRIPTS = 'shards',
): BotProcess {
  const child = spawn(process.execPath, [SCRIPTS[kind]], {
    env: { ...process.env, ...env, MEMBER: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const bot: BotProcess = {
    name,
    child,
    handled: [],
    shards: [],
    partitions: [],
    started: false,
    logs: [],
    logLines: [],
    stderr: [],
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
  }
  let buffered = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    let newline: number
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      const message = JSON.parse(line) as {
        type?: string
        id?: string
        shards?: number[]
        partitions?: number[]
        msg?: string
      }
      if (typeof message.msg === 'string') {
        bot.logs.push(message.msg)
        bot.logLines.push(line)
      }
      if (message.type === 'handled') bot.handled.push(message.id!)
      if (message.shards) bot.shards = message.shards
      if (message.partitions) bot.partitions = message.partitions
      if (message.type === 'started') bot.started = true
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => bot.stderr.push(chunk))
  return bot
}

/** Ends a bot process: SIGTERM (graceful), then SIGKILL if it lingers. */
export async function stopBotProcess(bot: BotProcess): Promise<void> {
  if (bot.child.exitCode !== null || bot.child.signalCode !== null) return
  bot.child.kill('SIGCONT')
  bot.child.kill('SIGTERM')
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), 10_000)
  await bot.exited
  clearTimeout(timer)
}

/**
 * The bot processes a test file's cases start, and whatever else they must undo (servers, clients, ingresses):
 * after each test the processes are stopped, then the rest undone, the last added first.
 */
export interface ProcessGroup {
  /** Starts a bot process (see {@link startBotProcess}), stopped after the test. */
  start(name: string, env: Record<string, string>, kind?: keyof typeof SCRIPTS): BotProcess
  /** Runs each of `cleanups` after the test, once the processes stopped (the last added first). */
  defer(...cleanups: (() => unknown)[]): void
}

/** A {@link ProcessGroup} emptied after each test of the file; call it at the top of the file. */
export function useProcessGroup(): ProcessGroup {
  const processes: BotProcess[] = []
  const cleanups: (() => unknown)[] = []
  afterEach(async () => {
    await Promise.all(processes.splice(0).map(stopBotProcess))
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  return {
    start(name, env, kind) {
      const bot = startBotProcess(name, env, kind)
      processes.push(bot)
      return bot
    },
    defer: (...more) => void cleanups.push(...more),
  }
}
