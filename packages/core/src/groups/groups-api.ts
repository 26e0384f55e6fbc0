import { ApiError } from '../rest/api-error.js'
import type { RestClient, RestRequest } from '../rest/rest-client.js'
import {
  API_NOT_GRANTED,
  GroupAdminRequiredError,
  GroupApiNotGrantedError,
  GroupRequestInvalidError,
} from './group-errors.js'
import type {
  DeclineOptions,
  GroupJoinRequestPage,
  GroupMember,
  GroupMemberIndexPage,
  GroupMemberPage,
  RemoveMembersResult,
} from './group-types.js'

const id = encodeURIComponent

/** Documented limits of the group-management endpoints (docs/group-management.md). */
export const GROUP_LIMITS = Object.freeze({
  /** Members one batch remove may name. */
  removePerCall: 20,
  /** Largest `limit` of a join-request page. */
  joinRequestsPerPage: 50,
})

/**
 * The code a refusal for want of admin rights is mapped from. No source gives the platform's, so it is the one
 * the fake platform answers (invented there); the platform's unknown code stays an {@link ApiError}.
 */
export const GROUP_ADMIN_REQUIRED_CODE = 40034150

/**
 * The v2 group-management endpoints (`client.api.groups`). Most are invite-only (内邀): without the grant the
 * platform answers 11253, thrown as {@link GroupApiNotGrantedError}; a call that needs the bot to be a group
 * admin and finds it is not throws {@link GroupAdminRequiredError}. Limits are checked before any request
 * ({@link GroupRequestInvalidError}).
 */
export class GroupsApi {
  constructor(private readonly rest: RestClient) {}

  /** One page of a group's members (`GET /v2/groups/{group_openid}/members`); pass `next_cursor` on. */
  members(groupOpenid: string, query: { cursor?: string } = {}): Promise<GroupMemberPage> {
    return this.call(groupOpenid, {
      method: 'GET',
      path: `/v2/groups/${id(groupOpenid)}/members`,
      route: 'GET /v2/groups/{group_openid}/members',
      query,
    })
  }

  /** Every member of a group, page after page of {@link members}. */
  async allMembers(groupOpenid: string): Promise<GroupMember[]> {
    const all: GroupMember[] = []
    let cursor: string | undefined
    for (;;) {
      const page = await this.members(groupOpenid, cursor ? { cursor } : {})
      all.push(...(page.members ?? []))
      if (!page.next_cursor || page.next_cursor === cursor) return all
      cursor = page.next_cursor
    }
  }

  /**
   * One page of members in the older form one SDK uses (`POST /v2/groups/{group_openid}/members` with
   * `{ limit, start_index }`, answered `{ members, next_index }`). Sources disagree on which form the platform
   * serves; prefer {@link members}.
   */
  membersByIndex(
    groupOpenid: string,
    query: { limit?: number; start_index?: number } = {},
  ): Promise<GroupMemberIndexPage> {
    return this.call(groupOpenid, {
      method: 'POST',
      path: `/v2/groups/${id(groupOpenid)}/members`,
      route: 'POST /v2/groups/{group_openid}/members',
      body: query,
    })
  }

  /** One page of pending join requests (`GET /v2/groups/{group_openid}/join_request_list`); the bot must be an admin. */
  joinRequests(groupOpenid: string, query: { cursor?: string; limit?: number } = {}): Promise<GroupJoinRequestPage> {
    const { limit } = query
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > GROUP_LIMITS.joinRequestsPerPage))
      return Promise.reject(
        new GroupRequestInvalidError(
          `A join-request page holds 1 to ${GROUP_LIMITS.joinRequestsPerPage} requests; limit is ${String(limit)}.`,
        ),
      )
    return this.call(groupOpenid, {
      method: 'GET',
      path: `/v2/groups/${id(groupOpenid)}/join_request_list`,
      route: 'GET /v2/groups/{group_openid}/join_request_list',
      query,
    })
  }

  /** Lets `memberOpenid` in; `joinRequestId` names the request (from the list or the GROUP_JOIN_REQUEST event). */
  approveJoinRequest(groupOpenid: string, memberOpenid: string, joinRequestId: string): Promise<void> {
    return this.answerJoinRequest(groupOpenid, memberOpenid, { op: 'approve', join_request_id: joinRequestId })
  }

  /** Turns `memberOpenid` away, with an optional reason, and blacklists them when `blacklist` is set. */
  declineJoinRequest(
    groupOpenid: string,
    memberOpenid: string,
    joinRequestId: string,
    options: DeclineOptions = {},
  ): Promise<void> {
    return this.answerJoinRequest(groupOpenid, memberOpenid, {
      op: 'decline',
      join_request_id: joinRequestId,
      ...(options.reason !== undefined && { reject_reason: options.reason }),
      ...(options.blacklist !== undefined && { add_to_member_blacklist: options.blacklist }),
    })
  }

  /** Removes 1 to 20 members at once, and blacklists them when `blacklist` is set; the bot must be an admin. */
  removeMembers(
    groupOpenid: string,
    memberOpenids: readonly string[],
    options: { blacklist?: boolean } = {},
  ): Promise<RemoveMembersResult> {
    const count = memberOpenids.length
    if (count < 1 || count > GROUP_LIMITS.removePerCall)
      return Promise.reject(
        new GroupRequestInvalidError(
          `A batch remove names 1 to ${GROUP_LIMITS.removePerCall} members; this one names ${count}. Split it into several calls.`,
        ),
      )
    return this.call(groupOpenid, {
      method: 'POST',
      path: `/v2/groups/${id(groupOpenid)}/batch_remove_members`,
      route: 'POST /v2/groups/{group_openid}/batch_remove_members',
      body: {
        member_openids: [...memberOpenids],
        ...(options.blacklist !== undefined && { add_to_member_blacklist: options.blacklist }),
      },
    })
  }

  private answerJoinRequest(groupOpenid: string, memberOpenid: string, body: Record<string, unknown>): Promise<void> {
    return this.call(groupOpenid, {
      method: 'POST',
      path: `/v2/groups/${id(groupOpenid)}/approval_join_request/${id(memberOpenid)}`,
      route: 'POST /v2/groups/{group_openid}/approval_join_request/{member_openid}',
      body,
    })
  }

  private async call<T>(groupOpenid: string, request: RestRequest): Promise<T> {
    try {
      return await this.rest.request<T>(request)
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      if (error.is(API_NOT_GRANTED)) throw new GroupApiNotGrantedError(request.route ?? request.path, error)
      if (error.is(GROUP_ADMIN_REQUIRED_CODE)) throw new GroupAdminRequiredError(groupOpenid, error)
      throw error
    }
  }
}
