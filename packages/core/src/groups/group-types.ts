/** Shapes of the v2 group-management endpoints (docs/group-management.md). Unknown extra fields are kept. */

/** A member of a group as the member list gives it. */
export interface GroupMember {
  member_openid: string
  /** When the member joined, as the platform writes it (epoch seconds in the older list). */
  join_timestamp?: number | string
  [key: string]: unknown
}

/** One page of `GET /v2/groups/{group_openid}/members`; `next_cursor` is empty (or absent) on the last page. */
export interface GroupMemberPage {
  members: GroupMember[]
  next_cursor?: string
  [key: string]: unknown
}

/** One page of the older `POST /v2/groups/{group_openid}/members`; ask again from `next_index`. */
export interface GroupMemberIndexPage {
  members: GroupMember[]
  next_index?: number
  [key: string]: unknown
}

/** A pending request to join a group (the list's records and the GROUP_JOIN_REQUEST event share these fields). */
export interface GroupJoinRequest {
  join_request_id: string
  member_openid: string
  group_openid?: string
  /** RFC3339. */
  apply_at?: string
  /** For example `self_apply`. */
  apply_source?: string
  invited_by?: string
  verify_info?: Record<string, unknown>
  [key: string]: unknown
}

/** One page of `GET /v2/groups/{group_openid}/join_request_list`. */
export interface GroupJoinRequestPage {
  join_requests: GroupJoinRequest[]
  next_cursor?: string
  [key: string]: unknown
}

/** How a decline is made: an optional reason shown to the applicant, and whether to blacklist them too. */
export interface DeclineOptions {
  reason?: string
  blacklist?: boolean
}

/** The answer to a batch remove. */
export interface RemoveMembersResult {
  remove_members_result?: string
  /** Members removed but not blacklisted (when blacklisting was asked for). */
  add_to_member_blacklist_fail_openids?: string[]
  [key: string]: unknown
}
