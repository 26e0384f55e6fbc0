import { QQBotError, type ReplyStream, type StreamResult } from '@qqbot/core'
import { chunksOf, type TextSource } from './text-source.js'

/**
 * The text source of a streamed reply failed part way (a model's connection dropped, say). The user already
 * got what had arrived plus the `STREAM_FAILED` line; the error is rethrown so the pipeline logs and counts it.
 */
export class StreamSourceError extends QQBotError {
  constructor(cause: unknown) {
    super(
      'STREAM_SOURCE_FAILED',
      `The text source of a streamed reply failed part way: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        'The user got the text that had arrived and the STREAM_FAILED line; make the source retry or end cleanly.',
      { cause },
    )
  }
}

const CLOSED: unique symbol = Symbol('closed')

/**
 * Feeds `source` into `stream` chunk by chunk and finishes it. Stops reading when the stream ends first (the
 * client is stopping). When the source throws, the stream ends with the text so far and `errorLine`, and
 * the returned promise rejects with {@link StreamSourceError}.
 */
export async function pipeText(stream: ReplyStream, source: TextSource, errorLine: string): Promise<StreamResult> {
  const chunks = chunksOf(source)
  const closed: Promise<typeof CLOSED> = stream.finished.then(
    () => CLOSED,
    () => CLOSED,
  )
  try {
    for (;;) {
      const pending = chunks.next()
      // Once the stream has ended the chunk is not awaited: a later failure of the source must not go unhandled.
      pending.catch(() => undefined)
      const next = await Promise.race([pending, closed])
      if (next === CLOSED) {
        void Promise.resolve(chunks.return?.()).catch(() => undefined)
        return await stream.finished
      }
      if (next.done) break
      if (typeof next.value !== 'string')
        throw new TypeError(`A streamed reply's source gave a ${typeof next.value}, not a string chunk.`)
      if (!stream.open) return await stream.finished
      stream.append(next.value)
    }
  } catch (error) {
    void Promise.resolve(chunks.return?.()).catch(() => undefined)
    if (stream.open) {
      const text = stream.text === '' ? errorLine : errorLine === '' ? stream.text : `${stream.text}\n\n${errorLine}`
      await stream.done(text)
    }
    throw new StreamSourceError(error)
  }
  return stream.done()
}
