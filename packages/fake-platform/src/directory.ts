import type { BotUser } from './options.js'

/** A guild as returned by `GET /guilds/{id}`. */
export interface FakeGuild {
  id: string
  name: string
  icon: string
  owner_id: string
  owner: boolean
  member_count: number
  max_members: number
  description: string
  joined_at: string
}

/** A channel as returned by `GET /channels/{id}`. */
export interface FakeChannel {
  id: string
  guild_id: string
  name: string
  type: number
  sub_type: number
  position: number
  parent_id: string
  owner_id: string
}

/** A guild member as returned by `GET /guilds/{id}/members/{user_id}`. */
export interface FakeMember {
  user: { id: string; username: string; avatar: string; bot: boolean }
  nick: string
  roles: string[]
  joined_at: string
}

/** A guild role as listed by `GET /guilds/{id}/roles`. */
export interface FakeRole {
  id: string
  name: string
  color: number
  hoist: number
  number: number
  member_limit: number
}

/** The seeded guild id. */
export const SEEDED_GUILD_ID = 'guild-1'
/** The seeded channel ids. */
export const SEEDED_CHANNEL_IDS = ['channel-1', 'channel-2'] as const
/** The seeded (non-bot) member ids: an owner and a plain member. */
export const SEEDED_USER_IDS = ['2000000000000000001', '2000000000000000002', '2000000000000000003'] as const

/** A small in-memory guild directory: one guild, two channels, a few members and roles. */
export class Directory {
  /** Guilds by id. */
  readonly guilds = new Map<string, FakeGuild>()
  /** Channels by id. */
  readonly channels = new Map<string, FakeChannel>()
  /** Members by guild id, then user id. */
  readonly members = new Map<string, Map<string, FakeMember>>()
  /** Roles by guild id. */
  readonly roles = new Map<string, FakeRole[]>()

  /** Seeds the directory; the bot itself is a member of the seeded guild. */
  constructor(botUser: BotUser) {
    const joined = '2024-01-01T12:00:00+08:00'
    const [ownerId, aliceId, bobId] = SEEDED_USER_IDS
    this.guilds.set(SEEDED_GUILD_ID, {
      id: SEEDED_GUILD_ID,
      name: 'Fake Guild',
      icon: '',
      owner_id: ownerId,
      owner: false,
      member_count: 4,
      max_members: 1000,
      description: 'A seeded guild of the fake QQ platform',
      joined_at: joined,
    })
    SEEDED_CHANNEL_IDS.forEach((id, i) => {
      this.channels.set(id, {
        id,
        guild_id: SEEDED_GUILD_ID,
        name: i === 0 ? 'general' : 'random',
        type: 0,
        sub_type: 0,
        position: i + 1,
        parent_id: '0',
        owner_id: '0',
      })
    })
    const member = (id: string, username: string, roles: string[], bot = false): FakeMember => ({
      user: { id, username, avatar: '', bot },
      nick: username,
      roles,
      joined_at: joined,
    })
    this.members.set(
      SEEDED_GUILD_ID,
      new Map([
        [ownerId, member(ownerId, 'owner', ['4', '1'])],
        [aliceId, member(aliceId, 'alice', ['2', '1'])],
        [bobId, member(bobId, 'bob', ['1'])],
        [botUser.id, member(botUser.id, botUser.username, ['1'], true)],
      ]),
    )
    const role = (id: string, name: string, color: number, count: number): FakeRole => ({
      id,
      name,
      color,
      hoist: id === '1' ? 0 : 1,
      number: count,
      member_limit: id === '1' ? 0 : 50,
    })
    this.roles.set(SEEDED_GUILD_ID, [
      role('1', '全体成员', 4286151052, 4),
      role('2', '超级管理员', 4294927682, 1),
      role('4', '创建者', 4294917938, 1),
      role('5', '子频道管理员', 4288357859, 0),
    ])
  }

  /** Members of a guild in join order, paged like the real API (`after` is exclusive, by user id). */
  listMembers(guildId: string, limit: number, after: string | undefined): FakeMember[] | undefined {
    const members = this.members.get(guildId)
    if (!members) return undefined
    const sorted = [...members.values()].sort((a, b) => compareIds(a.user.id, b.user.id))
    const start = after && after !== '0' ? sorted.filter((m) => compareIds(m.user.id, after) > 0) : sorted
    return start.slice(0, Math.max(1, Math.min(limit, 400)))
  }
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
}
