import type { Scene } from '@qqbot/core'

export interface PrefixOptions {
  /** Prefixes that start a command; default `['/']`. */
  prefixes: readonly string[]
  /** Matches a leading mention of the bot (see {@link mentionPattern}); undefined when the bot id is unknown. */
  mention: RegExp | undefined
  /** In one-to-one chats (C2C, guild DM) a command needs no prefix. Default true. */
  prefixOptionalInDirect: boolean
}

const WHITESPACE = /^[\s\u3000]+/u

/** The text after the command prefix, and the prefix typed (`undefined` when none was: a mention, a direct chat). */
export interface Stripped {
  text: string
  prefix: string | undefined
}

/**
 * Returns the text after the command prefix, or `undefined` when the message is not addressed to the bot as
 * a command. A leading @mention of the bot counts as a prefix (`@bot roll 20`), and so does a mention the
 * platform reports outside the text (`mentionedByPlatform`: group @-messages), so the prefix becomes optional
 * there. Any other group message (a group with all messages on) needs its prefix.
 */
export function stripPrefix(
  content: string,
  scene: Scene,
  options: PrefixOptions,
  mentionedByPlatform = false,
): Stripped | undefined {
  let text = content
  let mentioned = mentionedByPlatform
  if (options.mention) {
    const match = options.mention.exec(text)
    if (match) {
      text = text.slice(match[0].length)
      mentioned = true
    }
  }
  text = text.replace(WHITESPACE, '')
  for (const prefix of options.prefixes) {
    if (prefix !== '' && text.startsWith(prefix)) return { text: text.slice(prefix.length), prefix }
  }
  const direct = scene === 'c2c' || scene === 'dm'
  if (mentioned || (direct && options.prefixOptionalInDirect)) return { text, prefix: undefined }
  return undefined
}

/** The pattern of a leading `<@!id>`/`<@id>` mention of the bot: built once, matched on every message. */
export function mentionPattern(botId: string): RegExp {
  return new RegExp(`^\\s*<@!?${botId.replace(/[^\w]/g, '')}>`)
}

/** Splits `roll 20` into the command word and the rest; the word ends at the first whitespace. */
export function splitCommandWord(text: string): { word: string; rest: string } {
  const match = /^(\S+)(?:[\s\u3000]+([\s\S]*))?$/u.exec(text.trim())
  return match ? { word: match[1]!, rest: match[2] ?? '' } : { word: '', rest: '' }
}
