import { ApiError } from '../rest/api-error.js'
import type { SendResult, SentMessage } from '../rest/api-types.js'
import type { OpenApi } from '../rest/open-api.js'
import { RecallNotOwnMessageError, RecallTargetMissingError, RecallWindowClosedError } from './recall-errors.js'

/** A bot may recall its group and C2C messages for this long after sending them (docs/protocol.md, recall). */
export const RECALL_WINDOW_MS = 2 * 60_000

/**
 * The codes a refused recall is mapped from. No source gives the platform's own, so these are the ones the
 * fake platform answers (invented there); any other refusal stays an {@link ApiError}.
 */
export const RECALL_REFUSAL_CODES = { notOwn: 40034140, tooLate: 40034141 } as const

/**
 * Recalls messages the bot sent. In groups and C2C the platform allows only the bot's own messages, for
 * {@link RECALL_WINDOW_MS}: when the send time is known the window is checked before any call, and the
 * platform's refusals become {@link RecallWindowClosedError} and {@link RecallNotOwnMessageError}.
 */
export class MessageRecaller {
  constructor(
    private readonly api: OpenApi,
    private readonly now: () => number = Date.now,
  ) {}

  async recall(target: SentMessage | SendResult): Promise<void> {
    const message = sentMessageOf(target)
    const windowed = message.scene === 'group' || message.scene === 'c2c'
    if (windowed && message.sentAt !== undefined) {
      const ageMs = this.now() - message.sentAt
      if (ageMs > RECALL_WINDOW_MS) throw new RecallWindowClosedError(message, { ageMs, windowMs: RECALL_WINDOW_MS })
    }
    try {
      await this.call(message)
    } catch (error) {
      if (!windowed || !(error instanceof ApiError)) throw error
      if (error.is(RECALL_REFUSAL_CODES.tooLate))
        throw new RecallWindowClosedError(message, { windowMs: RECALL_WINDOW_MS, cause: error })
      if (error.is(RECALL_REFUSAL_CODES.notOwn)) throw new RecallNotOwnMessageError(message, error)
      throw error
    }
  }

  private call(message: SentMessage): Promise<void> {
    switch (message.scene) {
      case 'guild':
        return this.api.recallChannelMessage(message.targetId, message.id)
      case 'dm':
        return this.api.recallDirectMessage(message.targetId, message.id)
      case 'group':
        return this.api.recallGroupMessage(message.targetId, message.id)
      case 'c2c':
        return this.api.recallC2CMessage(message.targetId, message.id)
    }
  }
}

/** The message a reply's result names, or the {@link SentMessage} itself. */
export function sentMessageOf(target: SentMessage | SendResult): SentMessage {
  if (isSentMessage(target)) return target
  if (target.sent) return target.sent
  if (target.alreadySent) throw new RecallTargetMissingError('this reply was sent by an earlier delivery of the event')
  if (target.audit_id) throw new RecallTargetMissingError(`this message is held for review (audit ${target.audit_id})`)
  throw new RecallTargetMissingError('this result names no sent message (was it returned by a reply?)')
}

function isSentMessage(value: SentMessage | SendResult): value is SentMessage {
  return typeof value.scene === 'string' && typeof value.targetId === 'string' && typeof value.id === 'string'
}
