/**
 * What `qqbot-dev` and a bot under it say over the IPC channel. The bot's side is `enableDevReload` in
 * @qqbot/framework (packages/framework/src/plugins/dev-reload.ts), which the sandbox cannot import: keep the two
 * in step. See docs/plugins.md, "Reload in development".
 */
export type DevReloadMessage =
  /** Bot → runner, once: the built module files its plugins were imported from (absolute paths). */
  | { qqbotDev: 'plugin-modules'; files: string[] }
  /** Runner → bot: these plugin module files were rebuilt; import them again and reload their plugins. */
  | { qqbotDev: 'reload'; files: string[] }
  /** Bot → runner: the plugins reloaded in place, the bot's code generation, and its RSS in bytes after. */
  | { qqbotDev: 'reloaded'; plugins: string[]; generation: number; rss: number }
  /** Bot → runner: the reload failed (the old code is still running); the runner restarts the bot. */
  | { qqbotDev: 'reload-failed'; message: string }

/** Set in the bot's environment by `qqbot-dev`, beside the IPC channel. */
export const DEV_RELOAD_ENV = 'QQBOT_DEV_RELOAD'

export function isDevReloadMessage(value: unknown): value is DevReloadMessage {
  return typeof value === 'object' && value !== null && typeof (value as { qqbotDev?: unknown }).qqbotDev === 'string'
}
