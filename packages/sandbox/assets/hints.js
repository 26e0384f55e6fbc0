// A hint when a command gets no answer: the bot may not know it (and a bot ignores unknown words, or it
// would answer other bots' commands). Shown in the chat, never sent anywhere.
import { $, el } from './dom.js'

const HINT_AFTER_MS = 2500
/** Conversation id → the timer of its last unanswered command. */
const waiting = new Map()

/** Called for every entry shown: a user's command starts the wait, anything from the bot ends it. */
export function watchForAnswer(entry, info) {
  clearTimeout(waiting.get(info.id))
  waiting.delete(info.id)
  if (entry.kind !== 'user' || !/^\s*\//.test(entry.text)) return
  const command = entry.text.trim().split(/\s+/)[0]
  const timer = setTimeout(() => {
    waiting.delete(info.id)
    if ($('messages').dataset.conversation !== info.id) return
    $('messages').append(
      el('li', {
        testid: 'unknown-command-hint',
        className: 'entry-hint',
        text: `No answer to ${command} yet. If it is not one of the bot's commands, the bot stays silent: send /help to see them.`,
      }),
    )
  }, HINT_AFTER_MS)
  waiting.set(info.id, timer)
}
