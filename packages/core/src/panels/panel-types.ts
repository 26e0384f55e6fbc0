/** Where a command panel shows: C2C chats, groups, guild channels or guild DMs (the platform's names). */
export type PanelScope = 'c2c' | 'group' | 'channel' | 'dm'

export const PANEL_SCOPES: readonly PanelScope[] = ['c2c', 'group', 'channel', 'dm']

/** One entry of a panel. Tapping a `command` item types its `name` into the input box; the user sends it. */
export interface PanelItem {
  /** At most 14 columns; a CJK character takes 2. */
  name: string
  /** At most 30 characters. */
  desc: string
  type: 'command' | 'link'
  /** Shown to group admins only. */
  only_admin?: boolean
  /** The address of a `link` item. */
  link?: string
}

export interface Panel {
  /** At most 20. */
  items?: PanelItem[]
  /** At most 255 characters; how a bot finds its own panel again. */
  remark?: string
  /** Bumped on each change so clients fetch the panel again. */
  version?: number
}

export interface PanelRecord {
  panel_id: string
  scope: PanelScope
  target_type: 'all' | 'specific'
  panel: Panel
  created_at?: string
  updated_at?: string
  version?: number
  user_openids?: string[]
  group_openids?: string[]
}

export interface PanelPage {
  records: PanelRecord[]
  /** `""` on the last page. */
  next_cursor: string
  is_end: boolean
}

export interface CreatePanel {
  scope: PanelScope
  /** `all` (default) or `specific` (c2c and group only, with at most 20 openids). */
  target_type?: 'all' | 'specific'
  user_openids?: string[]
  group_openids?: string[]
  panel: Panel
}
