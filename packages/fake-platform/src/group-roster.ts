import { uniqueId } from './ids.js'
import { rfc3339 } from './time.js'

/** The bot's role in a group: only an admin (or the owner) may remove members and answer join requests. */
export type GroupBotRole = 'member' | 'admin' | 'owner'

/** A pending join request as the list and the approval endpoint see it. */
export interface PendingJoinRequest {
  join_request_id: string
  member_openid: string
  group_openid: string
  apply_at: string
  apply_source: string
}

/** What a test seeds a group with. */
export interface GroupSeed {
  /** Member openids; default none. */
  members?: readonly string[]
  /** The bot's role; default `'admin'`. */
  botRole?: GroupBotRole
  /** Openids with a pending join request. */
  joinRequests?: readonly string[]
}

/** One group as the fake knows it. */
export interface GroupState {
  groupOpenid: string
  botRole: GroupBotRole
  /** Members by openid, with the join time (epoch seconds). */
  members: Map<string, number>
  /** Pending join requests by applicant openid. */
  joinRequests: Map<string, PendingJoinRequest>
  blacklist: Set<string>
}

/**
 * The groups the bot is in, for the group-management endpoints: members, the bot's role, pending join
 * requests, the blacklist. Set `granted = false` to play a bot without the invite-only (内邀) grant: every
 * group-management call then gets 11253.
 */
export class GroupRoster {
  /** Whether the app holds the invite-only grant; default true. */
  granted = true
  private readonly groups = new Map<string, GroupState>()

  constructor(private readonly now: () => number) {}

  /** Adds (or replaces) a group the bot is in; returns its state, which tests may read. */
  seed(groupOpenid: string, seed: GroupSeed = {}): GroupState {
    const joinedAt = Math.floor(this.now() / 1000)
    const state: GroupState = {
      groupOpenid,
      botRole: seed.botRole ?? 'admin',
      members: new Map((seed.members ?? []).map((openid) => [openid, joinedAt])),
      joinRequests: new Map(),
      blacklist: new Set(),
    }
    for (const openid of seed.joinRequests ?? []) this.addJoinRequest(state, openid)
    this.groups.set(groupOpenid, state)
    return state
  }

  /** A group the bot is in. */
  get(groupOpenid: string): GroupState | undefined {
    return this.groups.get(groupOpenid)
  }

  /** Files a join request from `memberOpenid`; returns it (its id is what the approval must name). */
  addJoinRequest(group: GroupState, memberOpenid: string): PendingJoinRequest {
    const request: PendingJoinRequest = {
      join_request_id: `JR_${uniqueId()}`,
      member_openid: memberOpenid,
      group_openid: group.groupOpenid,
      apply_at: rfc3339(),
      apply_source: 'self_apply',
    }
    group.joinRequests.set(memberOpenid, request)
    return request
  }
}
