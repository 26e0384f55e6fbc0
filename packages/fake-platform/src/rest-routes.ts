import { errorBody, isRecord } from './http-util.js'
import { INTERACTION_ROUTES } from './interaction-routes.js'
import { MEDIA_ROUTES } from './media-routes.js'
import type { Scene } from './records.js'
import { fail, route, type RestContext, type Route, type RouteRequest, type RouteResult } from './route-kit.js'
import { isInputNotify, sendInputNotify, STREAM_ROUTES } from './stream-routes.js'
import { rfc3339 } from './time.js'
import { PANEL_ROUTES } from './panel-routes.js'
import { recall } from './recall-routes.js'
import { isStreamField, sendStreamField } from './stream-field-routes.js'
import { GROUP_ROUTES } from './group-routes.js'

export type { RestContext, RouteRequest, RouteResult } from './route-kit.js'

/** The platform's answer to a group/C2C send that is not a passive reply (proactive messages ended 2025-04-21). */
const PROACTIVE_REFUSED =
  '主动消息失败, 无权限 (proactive messages are no longer allowed: reply with msg_id or event_id)'

const guildNotFound = (req: RouteRequest): RouteResult => fail(req, 404, 11281, 'guild not found')

function sendMessage(scene: Scene, target: string, req: RouteRequest, ctx: RestContext): RouteResult {
  const rich = ctx.markdown.check(scene, req.body)
  if (rich) return fail(req, rich.status, rich.code, rich.message)
  if (scene === 'group' || scene === 'c2c') {
    const body = isRecord(req.body) ? req.body : {}
    if (!body.msg_id && !body.event_id) return fail(req, 400, 40034102, PROACTIVE_REFUSED)
    const refused = ctx.references.check(scene, target, body) ?? ctx.media.foreignFileInfo(scene, target, body)
    if (refused) return fail(req, refused.status, refused.code, refused.message)
    if (scene === 'c2c' && isInputNotify(body)) return sendInputNotify(target, req, ctx)
    if (scene === 'c2c' && isStreamField(body)) return sendStreamField(target, req, ctx)
    const claim = ctx.messages.claimV2(scene, target, body, ctx.replyBudget[scene])
    if (claim === 'duplicate')
      return { status: 400, body: errorBody(req.traceId, 40054005, '消息被去重，请检查请求msgseq', 40054005) }
    if (claim === 'over-budget') return { status: 400, body: errorBody(req.traceId, 22009, 'msg limit exceed') }
  }
  const id = ctx.messages.newId(scene)
  const timestamp = rfc3339()
  ctx.messages.store({ scene, target, id, timestamp, sentAt: ctx.now(), body: req.body })
  ctx.recorder.recordSent({ scene, target, body: req.body, id })
  return { status: 200, body: { id, timestamp } }
}

/** The REST route table (everything except the token endpoint). */
const ROUTES: Route[] = [
  route('GET', '/gateway', (_req, _p, ctx) => ({ status: 200, body: { url: ctx.gatewayUrl } })),
  route('GET', '/gateway/bot', (_req, _p, ctx) => ({
    status: 200,
    body: { url: ctx.gatewayUrl, shards: ctx.recommendedShards, session_start_limit: { ...ctx.sessionStartLimit } },
  })),
  route('GET', '/users/@me', (_req, _p, ctx) => ({ status: 200, body: { ...ctx.botUser } })),
  route('GET', '/users/@me/guilds', (_req, _p, ctx) => ({ status: 200, body: [...ctx.directory.guilds.values()] })),
  route('GET', '/guilds/:p', (req, [id = ''], ctx) => {
    const guild = ctx.directory.guilds.get(id)
    return guild ? { status: 200, body: guild } : guildNotFound(req)
  }),
  route('GET', '/guilds/:p/channels', (req, [id = ''], ctx) => {
    if (!ctx.directory.guilds.has(id)) return guildNotFound(req)
    return { status: 200, body: [...ctx.directory.channels.values()].filter((c) => c.guild_id === id) }
  }),
  route('GET', '/channels/:p', (req, [id = ''], ctx) => {
    const channel = ctx.directory.channels.get(id)
    return channel ? { status: 200, body: channel } : fail(req, 404, 11281, 'channel not found')
  }),
  route('GET', '/guilds/:p/members', (req, [id = ''], ctx) => {
    const limit = Number(req.query.limit ?? '1')
    const members = ctx.directory.listMembers(id, Number.isFinite(limit) ? limit : 1, req.query.after)
    return members ? { status: 200, body: members } : guildNotFound(req)
  }),
  route('GET', '/guilds/:p/members/:p', (req, [id = '', userId = ''], ctx) => {
    const members = ctx.directory.members.get(id)
    if (!members) return guildNotFound(req)
    const member = members.get(userId)
    return member ? { status: 200, body: member } : fail(req, 404, 11281, 'member not found')
  }),
  route('GET', '/guilds/:p/roles', (req, [id = ''], ctx) => {
    const roles = ctx.directory.roles.get(id)
    return roles ? { status: 200, body: { guild_id: id, roles, role_num_limit: '32' } } : guildNotFound(req)
  }),
  route('POST', '/channels/:p/messages', (req, [cid = ''], ctx) => sendMessage('guild', cid, req, ctx)),
  route('GET', '/channels/:p/messages/:p', (req, [cid = '', mid = ''], ctx) => {
    const stored = ctx.messages.get('guild', cid, mid)
    if (!stored) return fail(req, 404, 404, 'message not found')
    const body = isRecord(stored.body) ? stored.body : {}
    return {
      status: 200,
      body: {
        message: {
          id: stored.id,
          channel_id: cid,
          guild_id: ctx.directory.channels.get(cid)?.guild_id ?? '',
          content: typeof body.content === 'string' ? body.content : '',
          timestamp: stored.timestamp,
          author: { id: ctx.botUser.id, username: ctx.botUser.username, avatar: '', bot: true },
          attachments: [],
        },
      },
    }
  }),
  route('POST', '/users/@me/dms', (req, _p, ctx) => {
    const body = isRecord(req.body) ? req.body : {}
    if (typeof body.recipient_id !== 'string' || body.recipient_id === '') {
      return fail(req, 400, 40011000, 'recipient_id is required')
    }
    return { status: 200, body: ctx.messages.dmSession(body.recipient_id, Date.now()) }
  }),
  route('POST', '/dms/:p/messages', (req, [gid = ''], ctx) => sendMessage('dm', gid, req, ctx)),
  route('POST', '/v2/groups/:p/messages', (req, [g = ''], ctx) => sendMessage('group', g, req, ctx)),
  route('POST', '/v2/users/:p/messages', (req, [u = ''], ctx) => sendMessage('c2c', u, req, ctx)),
  ...MEDIA_ROUTES,
  route('DELETE', '/channels/:p/messages/:p', recall('guild')),
  route('DELETE', '/v2/groups/:p/messages/:p', recall('group')),
  route('DELETE', '/v2/users/:p/messages/:p', recall('c2c')),
  route('DELETE', '/dms/:p/messages/:p', recall('dm')),
  ...INTERACTION_ROUTES,
  ...PANEL_ROUTES,
  ...STREAM_ROUTES,
  ...GROUP_ROUTES,
]

/** Runs the matching route, or answers 404 with a JSON error for unknown routes. */
export function handleRoute(req: RouteRequest, ctx: RestContext): RouteResult {
  for (const r of ROUTES) {
    if (r.method !== req.method) continue
    const match = r.pattern.exec(req.path)
    if (!match) continue
    let params: string[]
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p ?? ''))
    } catch {
      return fail(req, 400, 40011000, 'malformed path')
    }
    return r.handler(req, params, ctx)
  }
  return fail(req, 404, 404, `no route for ${req.method} ${req.path}`)
}
