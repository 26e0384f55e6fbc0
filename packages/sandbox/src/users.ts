import { SEEDED_GUILD_ID, SEEDED_USER_IDS, type Directory } from '@qqbot/fake-platform'

/** A person chatting in the sandbox, with the id each scene knows them by. */
export interface SandboxUser {
  /** Display name, also the key the page uses. */
  name: string
  /** Guild user id (guild channel and guild DM). */
  guildUserId: string
  /** Member openid in groups. */
  memberOpenid: string
  /** User openid in C2C. */
  userOpenid: string
}

/** Names the page accepts for new users: letters, digits, `_` and `-`, at most 24. */
export const USER_NAME_PATTERN = /^[\p{L}\p{N}_-]{1,24}$/u
/** How many users the sandbox keeps (presets included). */
export const MAX_USERS = 50

/** Why a user could not be added. */
type AddUserError = 'invalid-name' | 'exists' | 'full'

/** The users of the sandbox: alice and bob (the seeded guild members: alice is an admin), plus any added from the page. */
export class UserDirectory {
  private readonly users = new Map<string, SandboxUser>()
  private nextGuildUser = 1

  constructor(private readonly directory: Directory) {
    this.put('alice', SEEDED_USER_IDS[1])
    this.put('bob', SEEDED_USER_IDS[2])
  }

  get(name: string): SandboxUser | undefined {
    return this.users.get(name)
  }

  list(): SandboxUser[] {
    return [...this.users.values()]
  }

  /** Adds a user (and makes them a plain member of the seeded guild). */
  add(name: string): SandboxUser | AddUserError {
    if (!USER_NAME_PATTERN.test(name)) return 'invalid-name'
    if (this.users.has(name)) return 'exists'
    if (this.users.size >= MAX_USERS) return 'full'
    const guildUserId = `21000000000000${String(this.nextGuildUser++).padStart(5, '0')}`
    this.directory.members.get(SEEDED_GUILD_ID)?.set(guildUserId, {
      user: { id: guildUserId, username: name, avatar: '', bot: false },
      nick: name,
      roles: ['1'],
      joined_at: new Date().toISOString(),
    })
    return this.put(name, guildUserId)
  }

  private put(name: string, guildUserId: string): SandboxUser {
    const user = { name, guildUserId, memberOpenid: `MEMBER_OPENID_${name}`, userOpenid: `USER_OPENID_${name}` }
    this.users.set(name, user)
    return user
  }
}
