import type { ChildProcess } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { ReloadBudgetCounter, type ReloadBudget } from './reload-budget.js'
import { isDevReloadMessage, type DevReloadMessage } from './reload-protocol.js'

type ReloadResult = Extract<DevReloadMessage, { qqbotDev: 'reloaded' | 'reload-failed' }>

/** How long a bot may take to import and reload its plugins before the runner restarts it instead. */
const RELOAD_TIMEOUT_MS = 30_000

/** A bot started by `qqbot-dev`: its process, the plugin module files it registered, and its reload budget. */
export class BotProcess {
  readonly budget: ReloadBudgetCounter
  private pluginFiles = new Set<string>()

  constructor(
    readonly child: ChildProcess,
    budget: ReloadBudget,
  ) {
    this.budget = new ReloadBudgetCounter(budget)
    child.on('message', (message) => {
      if (isDevReloadMessage(message) && message.qqbotDev === 'plugin-modules')
        this.pluginFiles = new Set(message.files.map(realPath))
    })
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }

  /** The files that are not plugin modules the bot registered (all of them once it exited): these restart it. */
  notOwned(files: readonly string[]): string[] {
    return files.filter((file) => this.exited || !this.pluginFiles.has(file))
  }

  /** Asks the bot to reload the plugins of `files`; resolves with its answer (a failure if it exits or takes too long). */
  reload(files: string[]): Promise<ReloadResult> {
    return new Promise((resolve) => {
      const done = (result: ReloadResult) => {
        clearTimeout(timer)
        this.child.off('message', onMessage)
        this.child.off('exit', onExit)
        resolve(result)
      }
      const onMessage = (message: unknown) => {
        if (isDevReloadMessage(message) && message.qqbotDev === 'reloaded') {
          this.budget.reloaded(message.rss)
          done(message)
        } else if (isDevReloadMessage(message) && message.qqbotDev === 'reload-failed') done(message)
      }
      const onExit = () => done({ qqbotDev: 'reload-failed', message: 'the bot exited' })
      const timer = setTimeout(
        () => done({ qqbotDev: 'reload-failed', message: `no answer within ${RELOAD_TIMEOUT_MS / 1000} s` }),
        RELOAD_TIMEOUT_MS,
      )
      this.child.on('message', onMessage)
      this.child.once('exit', onExit)
      // With a callback, a channel closed meanwhile is an answer here, not an 'error' event that would stop the runner.
      this.child.send({ qqbotDev: 'reload', files } satisfies DevReloadMessage, (error) => {
        if (error) done({ qqbotDev: 'reload-failed', message: `the bot cannot be reached (${error.message})` })
      })
    })
  }
}

function realPath(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}
