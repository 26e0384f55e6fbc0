import { z } from 'zod'

/**
 * Argument schemas for platform references: they accept the mention as the client inserts it, or a bare
 * id, and give the id. Use them like any zod schema: `@Arg('who', mentionedUser())`.
 */

const USER_MENTION = /^<@!?(\w+)>$/
const CHANNEL_MENTION = /^<#(\w+)>$/
const BARE_ID = /^\w+$/

function reference(pattern: RegExp, what: string, example: string) {
  return z.string().transform((value, ctx) => {
    const match = pattern.exec(value) ?? BARE_ID.exec(value)
    if (match?.[1] ?? match?.[0]) return (match[1] ?? match[0])!
    ctx.addIssue({ code: 'custom', message: `expected ${what} (${example}) or an id` })
    return z.NEVER
  })
}

/** A user: `<@!123>`, `<@123>` or `123` → `'123'`. */
export function mentionedUser() {
  return reference(USER_MENTION, 'a user mention', '@someone')
}

/** A channel: `<#456>` or `456` → `'456'`. */
export function mentionedChannel() {
  return reference(CHANNEL_MENTION, 'a channel mention', '#channel')
}
