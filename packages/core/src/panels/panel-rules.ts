import { QQBotError } from '../errors/qqbot-error.js'
import { ApiError } from '../rest/api-error.js'
import type { Panel, PanelItem } from './panel-types.js'

/** The platform's limits on a panel, checked before anything is sent. */
export const PANEL_LIMITS = {
  items: 20,
  nameColumns: 14,
  descLength: 30,
  remarkLength: 255,
  /** Panels one bot may have. */
  panels: 20,
  /** Openids per `specific` panel, and per target change. */
  targets: 20,
} as const

/** A panel the platform would refuse: names the item and the rule. */
export class PanelInvalidError extends QQBotError {
  constructor(message: string) {
    super('PANEL_INVALID', message)
  }
}

/** Columns a panel item name takes: a CJK (wide) character counts 2, anything else 1. */
export function panelNameColumns(name: string): number {
  let columns = 0
  for (const char of name) columns += isWide(char) ? 2 : 1
  return columns
}

function isWide(char: string): boolean {
  const code = char.codePointAt(0) ?? 0
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  )
}

/** Throws {@link PanelInvalidError} for the first rule the panel breaks. */
export function checkPanel(panel: Panel): void {
  const items = panel.items ?? []
  if (items.length > PANEL_LIMITS.items)
    throw new PanelInvalidError(`A panel has at most ${PANEL_LIMITS.items} items; this one has ${items.length}.`)
  if (panel.remark !== undefined && panel.remark.length > PANEL_LIMITS.remarkLength)
    throw new PanelInvalidError(`A panel remark has at most ${PANEL_LIMITS.remarkLength} characters.`)
  items.forEach(checkItem)
}

function checkItem(item: PanelItem, index: number): void {
  const which = `Panel item ${index + 1} (${JSON.stringify(item.name)})`
  if (item.name.trim() === '') throw new PanelInvalidError(`Panel item ${index + 1} has an empty name.`)
  const columns = panelNameColumns(item.name)
  if (columns > PANEL_LIMITS.nameColumns)
    throw new PanelInvalidError(
      `${which}: a name takes at most ${PANEL_LIMITS.nameColumns} columns (a CJK character takes 2); it takes ${columns}. Shorten it.`,
    )
  if (item.desc.length > PANEL_LIMITS.descLength)
    throw new PanelInvalidError(
      `${which}: a description has at most ${PANEL_LIMITS.descLength} characters; it has ${item.desc.length}. Shorten it.`,
    )
  if (item.type !== 'command' && item.type !== 'link')
    throw new PanelInvalidError(`${which}: type must be 'command' or 'link', not ${JSON.stringify(item.type)}.`)
  if (item.type === 'link' && !item.link) throw new PanelInvalidError(`${which}: a link item needs its link.`)
}

/**
 * The panel code of a failed panel call in its short form (`30021`), whichever form the platform sent
 * (`30021` or `40030021`: sources disagree); `undefined` for other errors.
 */
export function panelErrorCode(error: unknown): number | undefined {
  if (!(error instanceof ApiError)) return undefined
  for (const code of [error.platformCode, error.errCode]) {
    if (code === undefined) continue
    const short = code >= 40_030_000 && code < 40_040_000 ? code - 40_000_000 : code
    if (short >= 30_000 && short < 30_100) return short
  }
  return undefined
}
