import {
  PANEL_LIMITS,
  panelNameColumns,
  type DesiredPanel,
  type PanelItem,
  type PanelScope,
  type Scene,
} from '@qqbot/core'
import type { RegisteredCommand } from '../commands/command-registry.js'
import { isAdminOnlyGuard } from '../guards/admin-mark.js'

/** How `createBot({ panels })` keeps the command panels. */
export interface PanelSyncOptions {
  /** The remark that marks the bot's own panel in each scope. Default `'qqbot:commands'`. */
  remark?: string
  /** The scopes to keep a panel in. Default: every scope some command runs in. */
  scopes?: readonly PanelScope[]
}

/** The panel scope of each scene. */
export const PANEL_SCOPE_OF: Readonly<Record<Scene, PanelScope>> = {
  guild: 'channel',
  dm: 'dm',
  group: 'group',
  c2c: 'c2c',
}

/** A command that could not go on a panel, and why. */
export interface LeftOffCommand {
  path: string
  scope: PanelScope
  reason: string
}

/**
 * The panel each scope should show: one `command` item per command that runs there, in registration order,
 * named as the user types it (the name, or the first alias that fits when the name is too wide), described by its
 * description (shortened to the limit), `only_admin` when an admin guard protects it.
 */
export function panelsFromCommands(
  commands: readonly RegisteredCommand[],
  prefix: string,
  options: PanelSyncOptions = {},
): { panels: DesiredPanel[]; leftOff: LeftOffCommand[] } {
  const remark = options.remark ?? 'qqbot:commands'
  const byScope = new Map<PanelScope, PanelItem[]>()
  const leftOff: LeftOffCommand[] = []
  for (const command of commands) {
    for (const scene of command.scenes ?? (Object.keys(PANEL_SCOPE_OF) as Scene[])) {
      const scope = PANEL_SCOPE_OF[scene]
      if (options.scopes && !options.scopes.includes(scope)) continue
      const items = byScope.get(scope) ?? []
      byScope.set(scope, items)
      const name = panelName(command, prefix)
      if (!name) {
        leftOff.push({ path: command.path, scope, reason: `no name or alias fits ${PANEL_LIMITS.nameColumns} columns` })
        continue
      }
      if (items.length === PANEL_LIMITS.items) {
        leftOff.push({ path: command.path, scope, reason: `the panel holds ${PANEL_LIMITS.items} items` })
        continue
      }
      const item: PanelItem = { name, desc: shortened(command.definition.options.description ?? ''), type: 'command' }
      if (command.guards.some(isAdminOnlyGuard)) item.only_admin = true
      items.push(item)
    }
  }
  return { panels: [...byScope].map(([scope, items]) => ({ scope, items, remark })), leftOff }
}

function panelName(command: RegisteredCommand, prefix: string): string | undefined {
  const group = command.path.slice(0, command.path.length - command.definition.name.length)
  const typed = (word: string) => `${prefix}${group}${word}`
  const fits = (name: string) => panelNameColumns(name) <= PANEL_LIMITS.nameColumns
  const name = typed(command.definition.name)
  if (fits(name)) return name
  return (command.definition.options.aliases ?? []).map(typed).find(fits)
}

function shortened(description: string): string {
  const chars = [...description]
  return chars.length <= PANEL_LIMITS.descLength
    ? description
    : `${chars.slice(0, PANEL_LIMITS.descLength - 1).join('')}…`
}
