import type { Scene } from '@qqbot/core'
import type { ResolvedBotOptions } from '../bot/bot-options.js'
import type { CommandRegistry, RegisteredCommand } from './command-registry.js'
import { mentionPattern, splitCommandWord, stripPrefix } from './prefix-matcher.js'

/** One message as the router sees it. */
export interface RoutedMessage {
  /** The message text as received. */
  content: string
  scene: Scene
  /** The prefixes that start a command here (already chosen for this guild, group or chat). */
  prefixes: readonly string[]
  /** The platform marks the message as addressed to the bot (group @-messages; `is_you` mentions). */
  mentionedByPlatform: boolean
}

/** The command a message asks for, and the text after its name (the arguments, as typed). */
export interface Route {
  command: RegisteredCommand
  rest: string
}

/**
 * Text → command. Strips the prefix (or a leading @mention of the bot, or nothing where no prefix is
 * needed), takes the command word (two words for a subcommand: `admin ban`), and looks it up by name or alias.
 * No DI and no I/O: the prefixes for the message are chosen by the caller.
 */
export class CommandRouter {
  /** A leading @mention of this bot, once its id is known (built once, not per message). */
  private mention: RegExp | undefined

  constructor(
    private readonly registry: CommandRegistry,
    private readonly options: Pick<ResolvedBotOptions, 'prefixOptionalInDirect'>,
  ) {}

  /** From now on, a leading @mention of the bot with this id counts as a prefix. */
  recognizeMention(botId: string): void {
    this.mention = mentionPattern(botId)
  }

  /** The command `message` asks for, or `undefined` when it is not a command to this bot (or no known one). */
  route(message: RoutedMessage): Route | undefined {
    const text = stripPrefix(
      message.content,
      message.scene,
      {
        prefixes: message.prefixes,
        mention: this.mention,
        prefixOptionalInDirect: this.options.prefixOptionalInDirect,
      },
      message.mentionedByPlatform,
    )
    if (text === undefined) return undefined
    const { word, rest } = splitCommandWord(text)
    if (!word) return undefined
    if (this.registry.isGroup(word)) {
      // `/admin ban x`: the command is the first two words (when they name a subcommand).
      const sub = splitCommandWord(rest)
      const subcommand = sub.word ? this.registry.find(`${word} ${sub.word}`) : undefined
      if (subcommand) return { command: subcommand, rest: sub.rest }
    }
    const command = this.registry.find(word)
    return command && { command, rest }
  }
}
