import { QQBotError } from '@qqbot/core'

/** The bot did not send the replies a test waited for (integration mode). */
export class ReplyTimeoutError extends QQBotError {
  constructor(what: string, expected: number, received: readonly (string | undefined)[], timeoutMs: number) {
    const seen = received.length === 0 ? 'none' : received.map((text) => JSON.stringify(text ?? null)).join(', ')
    super(
      'TEST_REPLY_TIMEOUT',
      `The bot sent ${received.length} of ${expected} expected replies within ${timeoutMs} ms after ${what} (replies: ${seen}). ` +
        'If no reply is expected, pass { expected: 0 }; if the bot is slow, raise replyTimeoutMs.',
    )
  }
}

/** The fake platform could not deliver an event to the bot's webhook. */
export class DeliveryFailedError extends QQBotError {
  constructor(what: string, status: number) {
    super(
      'TEST_DELIVERY_FAILED',
      `The bot's webhook answered HTTP ${status} to ${what}; expected 200. Check the bot's webhook options and its logs.`,
    )
  }
}
