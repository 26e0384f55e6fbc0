/** What ends a text that had to be cut short to fit the reply budget. */
export const TRUNCATION_MARK = '…'

/**
 * Splits `text` into at most `maxParts` parts of at most `maxChars` characters each, cutting at the last
 * line break (else space) in the second half of a part where there is one, never inside a surrogate pair.
 * A text that needs more parts than allowed has its last part cut short and ended with {@link TRUNCATION_MARK}.
 */
export function splitForReplies(text: string, maxChars: number, maxParts: number): string[] {
  if (text === '' || maxParts < 1) return []
  const parts: string[] = []
  let rest = text
  while (rest.length > maxChars && parts.length < maxParts - 1) {
    const cut = cutPoint(rest, maxChars)
    parts.push(rest.slice(0, cut).trimEnd())
    rest = rest.slice(cut).trimStart()
  }
  if (rest.length > maxChars) {
    const cut = safeCut(rest, maxChars - TRUNCATION_MARK.length)
    rest = rest.slice(0, cut) + TRUNCATION_MARK
  }
  if (rest !== '') parts.push(rest)
  return parts.filter((part) => part !== '')
}

function cutPoint(text: string, maxChars: number): number {
  const window = text.slice(0, maxChars)
  const half = Math.floor(maxChars / 2)
  const newline = window.lastIndexOf('\n')
  if (newline >= half) return newline + 1
  const space = window.lastIndexOf(' ')
  if (space >= half) return space + 1
  return safeCut(text, maxChars)
}

/** `at`, or one less when that would split a surrogate pair. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1)
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at
}
