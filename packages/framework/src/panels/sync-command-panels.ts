import { syncPanel, type QQBotClient } from '@qqbot/core'
import type { RegisteredCommand } from '../commands/command-registry.js'
import { panelsFromCommands, type PanelSyncOptions } from './command-panels.js'

/**
 * Brings the bot's panel in each scope in step with its commands, one scope after the other (the platform
 * allows about 10 panel writes a minute). A failure is logged and leaves the bot running: a panel is a
 * convenience, the commands work without it.
 */
export async function syncCommandPanels(
  client: QQBotClient,
  commands: readonly RegisteredCommand[],
  options: { displayPrefix: string; panels?: PanelSyncOptions | undefined },
): Promise<void> {
  const { panels, leftOff } = panelsFromCommands(commands, options.displayPrefix, options.panels)
  for (const command of leftOff)
    client.logger.warn({ command: command.path, scope: command.scope }, `not on the command panel: ${command.reason}`)
  for (const desired of panels) {
    try {
      const outcome = await syncPanel(client.api.panels, desired, client.logger)
      client.logger.info({ scope: desired.scope, ...outcome }, `command panel ${outcome.action}`)
    } catch (error) {
      client.logger.warn(
        { err: error, scope: desired.scope },
        'could not sync the command panel; the commands work without it',
      )
    }
  }
}
