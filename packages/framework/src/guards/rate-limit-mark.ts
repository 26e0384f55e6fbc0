import type { Guard } from '../metadata/controller-metadata.js'

const RATE_LIMIT = Symbol('qqbot.rateLimit')

/**
 * Marks a guard as limiting how often a command runs (a cooldown). A command whose arguments are wrong skips
 * such guards: the user hears what to fix instead of "slow down", and the mistake does not start the clock.
 */
export function markRateLimit(guard: Guard): Guard {
  return Object.assign(guard, { [RATE_LIMIT]: true })
}

export function isRateLimitGuard(guard: Guard): boolean {
  return (guard as Guard & { [RATE_LIMIT]?: boolean })[RATE_LIMIT] === true
}
