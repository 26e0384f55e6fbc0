import { isRecord } from './http-util.js'
import { PANEL_WRITES_PER_MINUTE, type PanelScopeName, type StoredPanel } from './panel-board.js'
import { fail, route, type RestContext, type Route, type RouteRequest, type RouteResult } from './route-kit.js'

const SCOPES: readonly string[] = ['c2c', 'group', 'channel', 'dm']
const MAX_PANELS = 20
const MAX_ITEMS = 20
const MAX_TARGETS = 20
const MAX_NAME_COLUMNS = 14
const MAX_DESC = 30
const MAX_REMARK = 255

/** A panel error with the platform's code, short (`300xx`) or prefixed (`40030xxx`) per the option. */
function panelFail(req: RouteRequest, ctx: RestContext, code: number, message: string): RouteResult {
  const wire = ctx.panelErrorCodes === 'short' ? code : 40_000_000 + code
  return fail(req, 400, wire, message)
}

function nameColumns(name: string): number {
  let columns = 0
  for (const char of name)
    columns +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(
        char,
      )
        ? 2
        : 1
  return columns
}

/** Why the platform refuses this panel content, or `undefined`. */
function refusePanel(req: RouteRequest, ctx: RestContext, panel: unknown): RouteResult | undefined {
  if (!isRecord(panel)) return panelFail(req, ctx, 30016, 'panel is required')
  const items = panel.items ?? []
  if (!Array.isArray(items)) return fail(req, 400, 40011000, 'panel.items must be an array')
  if (items.length > MAX_ITEMS) return panelFail(req, ctx, 30013, `a panel has at most ${MAX_ITEMS} items`)
  if (panel.remark !== undefined && (typeof panel.remark !== 'string' || panel.remark.length > MAX_REMARK))
    return fail(req, 400, 40011000, `panel.remark must be a string of at most ${MAX_REMARK} characters`)
  for (const [index, item] of items.entries()) {
    if (!isRecord(item) || typeof item.name !== 'string' || typeof item.desc !== 'string')
      return fail(req, 400, 40011000, `panel item ${index} needs a string name and desc`)
    if (item.type !== 'command' && item.type !== 'link')
      return panelFail(req, ctx, 30015, `panel item ${index}: type must be command or link`)
    if (nameColumns(item.name) > MAX_NAME_COLUMNS)
      return fail(req, 400, 40011000, `panel item ${index}: name is wider than ${MAX_NAME_COLUMNS} columns`)
    if (item.desc.length > MAX_DESC)
      return fail(req, 400, 40011000, `panel item ${index}: desc is longer than ${MAX_DESC} characters`)
  }
  return undefined
}

function tooManyWrites(req: RouteRequest, ctx: RestContext): RouteResult | undefined {
  if (ctx.panels.takeWrite()) return undefined
  return fail(req, 429, 429, `panel writes are limited to ${PANEL_WRITES_PER_MINUTE} a minute`)
}

function createPanel(req: RouteRequest, ctx: RestContext): RouteResult {
  const body = isRecord(req.body) ? req.body : {}
  if (typeof body.scope !== 'string') return panelFail(req, ctx, 30016, 'scope is required')
  if (!SCOPES.includes(body.scope)) return panelFail(req, ctx, 30011, `scope must be one of ${SCOPES.join(', ')}`)
  const scope = body.scope as PanelScopeName
  const targetType = body.target_type ?? 'all'
  if (targetType !== 'all' && targetType !== 'specific') return panelFail(req, ctx, 30012, 'bad target_type')
  if (targetType === 'specific' && (scope === 'channel' || scope === 'dm'))
    return panelFail(req, ctx, 30012, `${scope} panels take target_type all only`)
  const refused = refusePanel(req, ctx, body.panel)
  if (refused) return refused
  const users = Array.isArray(body.user_openids) ? (body.user_openids as string[]) : undefined
  const groups = Array.isArray(body.group_openids) ? (body.group_openids as string[]) : undefined
  if ((users?.length ?? 0) > MAX_TARGETS || (groups?.length ?? 0) > MAX_TARGETS)
    return panelFail(req, ctx, 30013, `at most ${MAX_TARGETS} openids`)
  if (ctx.panels.size >= MAX_PANELS) return panelFail(req, ctx, 30013, `a bot has at most ${MAX_PANELS} panels`)
  const limited = tooManyWrites(req, ctx)
  if (limited) return limited
  const stored = ctx.panels.create({
    scope,
    target_type: targetType,
    panel: body.panel as StoredPanel['panel'],
    ...(users && { user_openids: users }),
    ...(groups && { group_openids: groups }),
  })
  return { status: 200, body: { panel_id: stored.panel_id } }
}

function listPanels(req: RouteRequest, ctx: RestContext): RouteResult {
  const scope = req.query.scope
  if (scope === undefined || !SCOPES.includes(scope))
    return panelFail(req, ctx, 30011, `scope must be one of ${SCOPES.join(', ')}`)
  const limit = Math.min(50, Math.max(1, Number(req.query.limit ?? '20') || 20))
  const start = Number(req.query.cursor ?? '0') || 0
  const all = ctx.panels.list(scope as PanelScopeName)
  // The list leaves out the targets; the detail endpoint has them.
  const records = all.slice(start, start + limit).map((panel) => {
    const summary: Partial<StoredPanel> = { ...panel }
    delete summary.user_openids
    delete summary.group_openids
    return summary
  })
  const end = start + limit >= all.length
  return { status: 200, body: { records, next_cursor: end ? '' : String(start + limit), is_end: end } }
}

const panelNotFound = (req: RouteRequest) => fail(req, 404, 404, 'panel not found')

/** `/v2/panels`: the command panel endpoints, with the platform's limits enforced. */
export const PANEL_ROUTES: Route[] = [
  route('GET', '/v2/panels', (req, _p, ctx) => listPanels(req, ctx)),
  route('POST', '/v2/panels', (req, _p, ctx) => createPanel(req, ctx)),
  route('GET', '/v2/panels/:p', (req, [panelId = ''], ctx) => {
    const stored = ctx.panels.get(panelId)
    return stored ? { status: 200, body: stored } : panelNotFound(req)
  }),
  route('PUT', '/v2/panels/:p', (req, [panelId = ''], ctx) => {
    if (!ctx.panels.get(panelId)) return panelNotFound(req)
    const body = isRecord(req.body) ? req.body : {}
    const refused = refusePanel(req, ctx, body.panel)
    if (refused) return refused
    const limited = tooManyWrites(req, ctx)
    if (limited) return limited
    const stored = ctx.panels.update(panelId, body.panel as StoredPanel['panel'])
    return { status: 200, body: { version: stored?.version } }
  }),
  route('DELETE', '/v2/panels/:p', (req, [panelId = ''], ctx) => {
    if (!ctx.panels.get(panelId)) return panelNotFound(req)
    const limited = tooManyWrites(req, ctx)
    if (limited) return limited
    ctx.panels.delete(panelId)
    return { status: 200 }
  }),
  route('PUT', '/v2/panels/:p/target', (req, [panelId = ''], ctx) => {
    const stored = ctx.panels.get(panelId)
    if (!stored) return panelNotFound(req)
    if (stored.target_type === 'all') return panelFail(req, ctx, 30021, 'targets cannot be added to a global panel')
    return { status: 200 }
  }),
]
