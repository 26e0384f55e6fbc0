/**
 * Text that arrives in pieces: an async iterable of chunks (what LLM SDKs return, an async generator) or a
 * web `ReadableStream<string>` (a `fetch` body piped through `TextDecoderStream`).
 */
export type TextSource = AsyncIterable<string> | ReadableStream<string>

/** Whether `value` is a {@link TextSource}; a string is not (it is a reply of its own). */
export function isTextSource(value: unknown): value is TextSource {
  if (value === null || typeof value !== 'object') return false
  if (typeof (value as { getReader?: unknown }).getReader === 'function') return true
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
}

/** The chunks of `source` as one async iterator; `return()` stops reading (and cancels a ReadableStream). */
export function chunksOf(source: TextSource): AsyncIterator<string> {
  if (typeof (source as { getReader?: unknown }).getReader === 'function') {
    const reader = (source as ReadableStream<string>).getReader()
    return {
      next: async () => {
        const { done, value } = await reader.read()
        return done ? { done: true, value: undefined } : { done: false, value }
      },
      return: async () => {
        await reader.cancel().catch(() => undefined)
        return { done: true, value: undefined }
      },
    }
  }
  return (source as AsyncIterable<string>)[Symbol.asyncIterator]()
}
