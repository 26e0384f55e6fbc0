import type { Choice } from './poll-box.js'

/** What a callback button of this bot asks for, decoded from its `data` string. */
export type ButtonAction = { kind: 'cat' } | { kind: 'vote'; pollId: string; choice: Choice }

/** The `data` of the "send a cat" button. */
export const CAT_BUTTON = 'cat'

/** The `data` of a poll's vote button: `vote:p1:yes`. */
export function voteButton(pollId: string, choice: Choice): string {
  return `vote:${pollId}:${choice}`
}

/** Decodes a button's `data`; `undefined` for data this bot never sent (an old keyboard, a forged click). */
export function parseButtonData(data: string | undefined): ButtonAction | undefined {
  if (data === CAT_BUTTON) return { kind: 'cat' }
  const vote = /^vote:(p\d+):(yes|no)$/.exec(data ?? '')
  return vote ? { kind: 'vote', pollId: vote[1]!, choice: vote[2] as Choice } : undefined
}
