import type { RestClient } from '../rest/rest-client.js'
import { checkPanel, PANEL_LIMITS, PanelInvalidError } from './panel-rules.js'
import type { CreatePanel, Panel, PanelPage, PanelRecord, PanelScope } from './panel-types.js'

const id = encodeURIComponent

/**
 * The command panel endpoints (`/v2/panels`). Panels are checked against the platform's limits before a
 * request ({@link PanelInvalidError}). The platform allows about 30 reads and 10 writes a minute.
 */
export class PanelsApi {
  constructor(private readonly rest: RestClient) {}

  /** One page of the bot's panels in a scope (at most 50 a page). */
  list(scope: PanelScope, query: { cursor?: string; limit?: number } = {}): Promise<PanelPage> {
    return this.rest.request({ method: 'GET', path: '/v2/panels', route: 'GET /v2/panels', query: { scope, ...query } })
  }

  /** Every panel of the bot in a scope, page after page. */
  async listAll(scope: PanelScope): Promise<PanelRecord[]> {
    const records: PanelRecord[] = []
    let cursor: string | undefined
    for (;;) {
      const page = await this.list(scope, { limit: 50, ...(cursor && { cursor }) })
      records.push(...(page.records ?? []))
      if (page.is_end || !page.next_cursor) return records
      cursor = page.next_cursor
    }
  }

  get(panelId: string): Promise<PanelRecord> {
    return this.rest.request({ method: 'GET', path: `/v2/panels/${id(panelId)}`, route: 'GET /v2/panels/{panel_id}' })
  }

  async create(request: CreatePanel): Promise<{ panel_id: string }> {
    checkPanel(request.panel)
    const targets = [...(request.user_openids ?? []), ...(request.group_openids ?? [])]
    if (targets.length > PANEL_LIMITS.targets)
      throw new PanelInvalidError(`A specific panel names at most ${PANEL_LIMITS.targets} openids.`)
    if (request.target_type === 'specific' && (request.scope === 'channel' || request.scope === 'dm'))
      throw new PanelInvalidError(`A ${request.scope} panel is shown to everyone: target_type must be 'all'.`)
    return this.rest.request({ method: 'POST', path: '/v2/panels', route: 'POST /v2/panels', body: request })
  }

  /** Replaces the panel's content; scope and targets stay as created. */
  async update(panelId: string, panel: Panel): Promise<{ version?: number }> {
    checkPanel(panel)
    return this.rest.request({
      method: 'PUT',
      path: `/v2/panels/${id(panelId)}`,
      route: 'PUT /v2/panels/{panel_id}',
      body: { panel },
    })
  }

  /** Adds or removes the openids a `specific` panel is shown to (at most 20 a call). */
  async setTargets(
    panelId: string,
    change: { op: 'add' | 'del'; user_openids?: string[]; group_openids?: string[] },
  ): Promise<void> {
    const count = (change.user_openids?.length ?? 0) + (change.group_openids?.length ?? 0)
    if (count > PANEL_LIMITS.targets)
      throw new PanelInvalidError(`A target change names at most ${PANEL_LIMITS.targets} openids; it names ${count}.`)
    return this.rest.request({
      method: 'PUT',
      path: `/v2/panels/${id(panelId)}/target`,
      route: 'PUT /v2/panels/{panel_id}/target',
      body: change,
    })
  }

  delete(panelId: string): Promise<void> {
    return this.rest.request({
      method: 'DELETE',
      path: `/v2/panels/${id(panelId)}`,
      route: 'DELETE /v2/panels/{panel_id}',
    })
  }
}
