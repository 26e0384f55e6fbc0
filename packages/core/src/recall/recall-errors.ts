import { QQBotError } from '../errors/qqbot-error.js'
import type { SentMessage } from '../rest/api-types.js'

/** How a message is named in recall errors: `group G1 message M1`. */
function describe(message: SentMessage): string {
  const where = message.scene === 'c2c' ? 'C2C' : message.scene === 'dm' ? 'DM' : message.scene
  return `${where} ${message.targetId} message ${message.id}`
}

/**
 * A group or C2C message older than the platform's recall window (2 min after sending). Thrown before any
 * call when the send time is known (a reply's `sent.sentAt`), else when the platform refuses.
 */
export class RecallWindowClosedError extends QQBotError {
  constructor(message: SentMessage, details: { ageMs?: number; windowMs: number; cause?: unknown }) {
    const age = details.ageMs === undefined ? '' : `, and this one was sent ${Math.round(details.ageMs / 1000)} s ago`
    super(
      'RECALL_WINDOW_CLOSED',
      `Cannot recall ${describe(message)}: the platform lets a bot recall its group and C2C messages for ` +
        `${Math.round(details.windowMs / 1000)} s after sending${age}${details.cause ? ' (the platform refused it)' : ' (checked before calling)'}. ` +
        'Recall sooner, or send a correction instead.',
      details.cause === undefined ? undefined : { cause: details.cause },
    )
  }
}

/** The platform refused a recall because the message is not the bot's own (or was already recalled). */
export class RecallNotOwnMessageError extends QQBotError {
  constructor(message: SentMessage, cause: unknown) {
    super(
      'RECALL_NOT_OWN_MESSAGE',
      `Cannot recall ${describe(message)}: in groups and C2C a bot can recall only messages it sent itself, to that chat, ` +
        'and this id is not one of them (a user’s message, another chat’s, or one already recalled). Pass the id a send returned.',
      { cause },
    )
  }
}

/** `recall()` was given a send result that names no sent message (held for review, or already sent before). */
export class RecallTargetMissingError extends QQBotError {
  constructor(reason: string) {
    super(
      'RECALL_TARGET_MISSING',
      `Nothing to recall: ${reason}. Pass what a reply resolved with, or name the message: ` +
        "client.recall({ scene: 'group', targetId: groupOpenid, id: messageId }).",
    )
  }
}
