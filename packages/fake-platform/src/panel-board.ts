import { uniqueId } from './ids.js'
import { rfc3339 } from './time.js'

export type PanelScopeName = 'c2c' | 'group' | 'channel' | 'dm'

/** A panel as the fake platform keeps it (the wire's `PanelRecord`). */
export interface StoredPanel {
  panel_id: string
  scope: PanelScopeName
  target_type: 'all' | 'specific'
  panel: { items?: unknown[]; remark?: string; version?: number }
  created_at: string
  updated_at: string
  version: number
  user_openids?: string[]
  group_openids?: string[]
}

/** Writes (create, update, delete) the platform allows per minute. */
export const PANEL_WRITES_PER_MINUTE = 10

/** The app's command panels, and the writes made in the last minute (the platform allows 10). */
export class PanelBoard {
  /** Every create, update and delete accepted, in order. */
  readonly writes: { action: 'create' | 'update' | 'delete'; panelId: string; at: number }[] = []
  private readonly panels = new Map<string, StoredPanel>()
  private writeTimes: number[] = []

  constructor(private readonly now: () => number) {}

  get size(): number {
    return this.panels.size
  }

  /** Every panel, oldest first. */
  list(scope?: PanelScopeName): StoredPanel[] {
    return [...this.panels.values()].filter((panel) => scope === undefined || panel.scope === scope)
  }

  get(panelId: string): StoredPanel | undefined {
    return this.panels.get(panelId)
  }

  /** Whether one more write fits in the last minute; counts it when it does. */
  takeWrite(): boolean {
    const now = this.now()
    this.writeTimes = this.writeTimes.filter((at) => now - at < 60_000)
    if (this.writeTimes.length >= PANEL_WRITES_PER_MINUTE) return false
    this.writeTimes.push(now)
    return true
  }

  create(fields: Omit<StoredPanel, 'panel_id' | 'created_at' | 'updated_at' | 'version'>): StoredPanel {
    const at = rfc3339()
    const version = fields.panel.version ?? 1
    const stored: StoredPanel = { ...fields, panel_id: `panel-${uniqueId()}`, created_at: at, updated_at: at, version }
    this.panels.set(stored.panel_id, stored)
    this.writes.push({ action: 'create', panelId: stored.panel_id, at: this.now() })
    return stored
  }

  update(panelId: string, panel: StoredPanel['panel']): StoredPanel | undefined {
    const stored = this.panels.get(panelId)
    if (!stored) return undefined
    stored.version = panel.version ?? stored.version + 1
    stored.panel = { ...panel, version: stored.version }
    stored.updated_at = rfc3339()
    this.writes.push({ action: 'update', panelId, at: this.now() })
    return stored
  }

  delete(panelId: string): boolean {
    const deleted = this.panels.delete(panelId)
    if (deleted) this.writes.push({ action: 'delete', panelId, at: this.now() })
    return deleted
  }
}
