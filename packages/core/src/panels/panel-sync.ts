import type { Logger } from 'pino'
import type { PanelsApi } from './panels-api.js'
import type { PanelItem, PanelRecord, PanelScope } from './panel-types.js'

/** The panel a bot wants in one scope. */
export interface DesiredPanel {
  scope: PanelScope
  items: PanelItem[]
  /** How the bot recognises its own panel among the app's panels. */
  remark: string
}

/** What {@link syncPanel} did. */
export type PanelSyncOutcome =
  | { action: 'created'; panelId: string }
  | { action: 'updated'; panelId: string; version: number }
  | { action: 'unchanged'; panelId: string }

/**
 * Makes the bot's panel in one scope match `desired`: finds it by `remark`, updates it only when its items
 * changed (bumping `version`), creates it only when there is none. Never creates a second one, so a restart
 * costs one read per scope and no write.
 */
export async function syncPanel(panels: PanelsApi, desired: DesiredPanel, logger?: Logger): Promise<PanelSyncOutcome> {
  const existing = (await panels.listAll(desired.scope)).filter((record) => record.panel.remark === desired.remark)
  const [current, ...extra] = existing
  if (extra.length > 0)
    logger?.warn(
      { scope: desired.scope, remark: desired.remark, panels: existing.map((record) => record.panel_id) },
      'several panels carry this remark; updating the first, leaving the others (delete them in the console)',
    )
  const panel = { items: desired.items, remark: desired.remark }
  if (!current) {
    const { panel_id: panelId } = await panels.create({ scope: desired.scope, target_type: 'all', panel })
    return { action: 'created', panelId }
  }
  if (sameItems(current, desired.items)) return { action: 'unchanged', panelId: current.panel_id }
  const version = (current.panel.version ?? current.version ?? 0) + 1
  await panels.update(current.panel_id, { ...panel, version })
  return { action: 'updated', panelId: current.panel_id, version }
}

function sameItems(record: PanelRecord, items: readonly PanelItem[]): boolean {
  return JSON.stringify(normalised(record.panel.items ?? [])) === JSON.stringify(normalised(items))
}

/** Items in a comparable form: only the fields a panel shows, `only_admin` false when absent. */
function normalised(items: readonly PanelItem[]) {
  return items.map((item) => [item.name, item.desc, item.type, item.only_admin === true, item.link ?? ''])
}
