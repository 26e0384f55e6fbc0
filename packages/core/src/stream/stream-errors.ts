import { QQBotError } from '../errors/qqbot-error.js'

/** The platform answered a stream's first frame without the `id` that names the stream. */
export class StreamStartError extends QQBotError {
  constructor(answer: unknown) {
    super(
      'STREAM_NOT_STARTED',
      `The platform answered the first stream frame without an id (${JSON.stringify(answer)}), so the stream cannot go on; ` +
        'the text is sent as an ordinary reply instead.',
    )
  }
}

/** Text was given to a stream after `done()` or `cancel()`. */
export class StreamClosedError extends QQBotError {
  constructor(method: string, how: 'done' | 'cancelled') {
    super(
      'STREAM_CLOSED',
      `Cannot ${method}() a stream that is already ${how === 'done' ? 'done' : 'cancelled'}: ` +
        'give all the text before calling done(), and open a new stream (client.stream) for another answer.',
    )
  }
}

/** An error as one line for a log or a degrade reason (an `ApiError`'s message names its status and code). */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
