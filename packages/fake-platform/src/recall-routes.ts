import type { Scene } from './records.js'
import { fail, type Handler } from './route-kit.js'

/** A bot may recall its group and C2C messages for this long after sending them (the platform's docs). */
export const RECALL_WINDOW_MS = 2 * 60_000

/**
 * The codes a refused group/C2C recall gets. No source gives the platform's codes, so these are **invented**
 * (the fake's own, like the reasons in `message`); a client should map them and keep the platform's unknown
 * answer an error like any other.
 */
export const RECALL_REFUSAL_CODES = {
  /** The message is not one the bot sent to this chat (a user's, unknown, or already recalled). Invented. */
  notOwn: 40034140,
  /** The message was sent more than {@link RECALL_WINDOW_MS} ago. Invented. */
  tooLate: 40034141,
} as const

/**
 * `DELETE …/messages/{message_id}`. In groups and C2C the platform's rules are enforced: only the bot's own
 * messages, within 2 minutes of sending (on the platform's clock); guild channel and DM recalls are accepted
 * as before (an admin bot may recall others' channel messages, and no window is documented there).
 */
export function recall(scene: Scene): Handler {
  return (req, [target = '', id = ''], ctx) => {
    if (scene === 'group' || scene === 'c2c') {
      const stored = ctx.messages.get(scene, target, id)
      if (!stored)
        return fail(
          req,
          400,
          RECALL_REFUSAL_CODES.notOwn,
          `message ${id} is not a message the bot sent to ${scene} ${target} (a bot recalls only its own messages; already recalled?)`,
        )
      const age = ctx.now() - stored.sentAt
      if (age > RECALL_WINDOW_MS)
        return fail(
          req,
          400,
          RECALL_REFUSAL_CODES.tooLate,
          `message ${id} was sent ${Math.round(age / 1000)} s ago; a bot may recall its messages for ${RECALL_WINDOW_MS / 1000} s`,
        )
    }
    ctx.messages.delete(scene, target, id)
    return { status: 200 }
  }
}
