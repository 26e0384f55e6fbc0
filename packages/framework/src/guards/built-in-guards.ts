import { markAdminOnly } from './admin-mark.js'
import { markRateLimit } from './rate-limit-mark.js'
import { chatOf } from '@qqbot/core'
import type { Guard, GuardContext } from '../metadata/controller-metadata.js'
import { UseGuards } from '../decorators/decorators.js'
import { clockOf } from '../util/clock.js'

export interface CooldownOptions {
  /**
   * Whose clock: each user, each chat (`chatOf`: a guild channel, a group, a DM or a C2C chat), or the whole
   * bot. `'channel'` is the former name of `'chat'` and means the same.
   */
  per: 'user' | 'chat' | 'global' | 'channel'
  ms: number
}

/** A per-user, per-chat or global cooldown; a user who is too early is told how long to wait. */
export function cooldown(options: CooldownOptions): Guard {
  if (!Number.isFinite(options.ms) || options.ms <= 0)
    throw new TypeError(`cooldown ms must be a positive number of milliseconds; got ${options.ms}.`)
  const clockKey = Symbol('cooldown')
  return markRateLimit(async (ctx, next) => {
    let clocks = ctx.store.get(clockKey) as Map<string, number> | undefined
    if (!clocks) ctx.store.set(clockKey, (clocks = new Map()))
    const key = `${ctx.command}:${keyOf(ctx, options.per)}`
    const now = clockOf(ctx.store).now()
    const readyAt = clocks.get(key) ?? 0
    if (now < readyAt) {
      await ctx.ack?.(2) // a button click: "too frequent"
      await ctx.say('COOLDOWN', { seconds: Math.ceil((readyAt - now) / 1000) })
      return
    }
    clocks.set(key, now + options.ms)
    sweep(clocks, now)
    await next()
  })
}

/** `@Cooldown({ per: 'user', ms: 3000 })` on a command or controller. */
export function Cooldown(options: CooldownOptions): ClassDecorator & MethodDecorator {
  return UseGuards(cooldown(options))
}

/** Guild role ids the platform assigns to owners and administrators (4 owner, 2 admin, 5 channel admin). */
export const GUILD_ADMIN_ROLES: readonly string[] = ['2', '4', '5']

/** Only guild owners and administrators; outside guilds (groups, C2C) the platform gives no roles, so it refuses. */
export function guildAdminOnly(roles: readonly string[] = GUILD_ADMIN_ROLES): Guard {
  return markAdminOnly(async (ctx, next) => {
    const memberRoles = (ctx.event.data as { member?: { roles?: unknown } }).member?.roles
    if (Array.isArray(memberRoles) && memberRoles.some((role) => roles.includes(String(role)))) return next()
    await ctx.ack?.(5) // a button click: "admins only"
    await ctx.say('NOT_ALLOWED')
  })
}

/** `@GuildAdminOnly()` on a command or controller. */
export function GuildAdminOnly(roles?: readonly string[]): ClassDecorator & MethodDecorator {
  return UseGuards(guildAdminOnly(roles))
}

function keyOf(ctx: GuardContext, per: CooldownOptions['per']): string {
  if (per === 'global') return '*'
  if (per === 'user') return ctx.userId ?? '?'
  return chatOf(ctx.event) ?? '?'
}

function sweep(clocks: Map<string, number>, now: number): void {
  if (clocks.size < 10_000) return
  for (const [key, readyAt] of clocks) if (readyAt <= now) clocks.delete(key)
}
