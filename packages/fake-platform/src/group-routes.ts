import type { GroupState } from './group-roster.js'
import { isRecord } from './http-util.js'
import {
  fail,
  route,
  type Handler,
  type RestContext,
  type Route,
  type RouteRequest,
  type RouteResult,
} from './route-kit.js'

/**
 * Codes of refused group-management calls. 11253 (an invite-only API not granted) and 11004 (a stale join
 * request id) come from third-party reports; the two others are **invented**: no source gives them.
 */
export const GROUP_REFUSAL_CODES = {
  notGranted: 11253,
  staleJoinRequest: 11004,
  /** The bot is not an admin of the group. Invented. */
  notAdmin: 40034150,
  /** The bot is not in that group. Invented. */
  notInGroup: 40034151,
} as const

/** Members per page of either member list (one third-party source reports at most 30). */
export const GROUP_MEMBERS_PER_PAGE = 30
const BAD_REQUEST = 40011000

type GroupHandler = (req: RouteRequest, group: GroupState, params: string[], ctx: RestContext) => RouteResult

/** Checks the grant and the group, then (when `admin`) that the bot is an admin of it. */
function groupRoute(method: string, path: string, admin: boolean, handler: GroupHandler): Route {
  const wrapped: Handler = (req, params, ctx) => {
    const [groupOpenid = '', ...rest] = params
    if (!ctx.groups.granted)
      return fail(req, 403, GROUP_REFUSAL_CODES.notGranted, 'api not allowed (invite-only group management: 内邀)')
    const group = ctx.groups.get(groupOpenid)
    if (!group) return fail(req, 400, GROUP_REFUSAL_CODES.notInGroup, `the bot is not in group ${groupOpenid}`)
    if (admin && group.botRole === 'member')
      return fail(req, 400, GROUP_REFUSAL_CODES.notAdmin, `the bot is not an admin of group ${groupOpenid}`)
    return handler(req, group, rest, ctx)
  }
  return route(method, path, wrapped)
}

function memberList(group: GroupState, start: number, count: number) {
  return [...group.members]
    .slice(start, start + count)
    .map(([member_openid, join_timestamp]) => ({ member_openid, join_timestamp }))
}

function startOf(value: unknown): number | undefined {
  const start = value === undefined || value === '' ? 0 : Number(value)
  return Number.isInteger(start) && start >= 0 ? start : undefined
}

const membersByCursor: GroupHandler = (req, group) => {
  const start = startOf(req.query.cursor)
  if (start === undefined) return fail(req, 400, BAD_REQUEST, `cursor ${req.query.cursor} is not one this list gave`)
  const end = start + GROUP_MEMBERS_PER_PAGE
  const next_cursor = end < group.members.size ? String(end) : ''
  return { status: 200, body: { members: memberList(group, start, GROUP_MEMBERS_PER_PAGE), next_cursor } }
}

/** The older form (one SDK): `POST …/members` with `{ limit?, start_index? }` → `{ members, next_index }`. */
const membersByIndex: GroupHandler = (req, group) => {
  const body = isRecord(req.body) ? req.body : {}
  const start = startOf(body.start_index)
  const limit = body.limit === undefined ? GROUP_MEMBERS_PER_PAGE : Number(body.limit)
  if (start === undefined || !Number.isInteger(limit) || limit < 1 || limit > GROUP_MEMBERS_PER_PAGE)
    return fail(req, 400, BAD_REQUEST, `limit must be 1–${GROUP_MEMBERS_PER_PAGE} and start_index ≥ 0`)
  const members = memberList(group, start, limit)
  return { status: 200, body: { members, next_index: start + members.length } }
}

const joinRequestList: GroupHandler = (req, group) => {
  const limit = req.query.limit === undefined ? 20 : Number(req.query.limit)
  const start = startOf(req.query.cursor)
  if (!Number.isInteger(limit) || limit < 1 || limit > 50 || start === undefined)
    return fail(req, 400, BAD_REQUEST, 'limit must be 1–50 (default 20), cursor one this list gave')
  const all = [...group.joinRequests.values()]
  const next_cursor = start + limit < all.length ? String(start + limit) : ''
  return { status: 200, body: { join_requests: all.slice(start, start + limit), next_cursor } }
}

/** `op` is `approve` or `decline` (lower case in most sources, upper case in one: both accepted). */
const answerJoinRequest: GroupHandler = (req, group, [memberOpenid = ''], ctx) => {
  const body = isRecord(req.body) ? req.body : {}
  const op = typeof body.op === 'string' ? body.op.toLowerCase() : undefined
  if (op !== 'approve' && op !== 'decline')
    return fail(req, 400, BAD_REQUEST, `op must be "approve" or "decline"; got ${JSON.stringify(body.op)}`)
  const pending = group.joinRequests.get(memberOpenid)
  if (!pending || body.join_request_id !== pending.join_request_id)
    return fail(
      req,
      400,
      GROUP_REFUSAL_CODES.staleJoinRequest,
      '无效或已过期的审批令牌 (no pending request with that join_request_id)',
    )
  group.joinRequests.delete(memberOpenid)
  if (op === 'approve') group.members.set(memberOpenid, Math.floor(ctx.now() / 1000))
  else if (body.add_to_member_blacklist === true) group.blacklist.add(memberOpenid)
  return { status: 200, body: {} }
}

const batchRemove: GroupHandler = (req, group) => {
  const body = isRecord(req.body) ? req.body : {}
  const ids = body.member_openids
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 20 || !ids.every((v) => typeof v === 'string' && v !== ''))
    return fail(req, 400, BAD_REQUEST, 'member_openids must list 1 to 20 member openids')
  for (const openid of ids as string[]) {
    group.members.delete(openid)
    if (body.add_to_member_blacklist === true) group.blacklist.add(openid)
  }
  return { status: 200, body: { remove_members_result: 'success', add_to_member_blacklist_fail_openids: [] } }
}

/** The group-management routes, spread into the REST route table. */
export const GROUP_ROUTES: Route[] = [
  groupRoute('GET', '/v2/groups/:p/members', false, membersByCursor),
  groupRoute('POST', '/v2/groups/:p/members', false, membersByIndex),
  groupRoute('GET', '/v2/groups/:p/join_request_list', true, joinRequestList),
  groupRoute('POST', '/v2/groups/:p/approval_join_request/:p', true, answerJoinRequest),
  groupRoute('POST', '/v2/groups/:p/batch_remove_members', true, batchRemove),
]
