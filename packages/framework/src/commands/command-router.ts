import type { Scene } from '@qqbot/core'
import type { ResolvedBotOptions } from '../bot/bot-options.js'
import type { CommandRegistry, RegisteredCommand } from './command-registry.js'
import { closestWord } from './did-you-mean.js'
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

/** A prefixed word that names no command but is close to one (`/rol`): the bot suggests the command. */
export interface UnknownCommand {
  command: undefined
  /** As typed, prefix included: `/rol`. */
  typed: string
  /** The closest command with the same prefix: `/roll`. */
  suggestion: string
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
    private readonly options: Pick<ResolvedBotOptions, 'prefixOptionalInDirect' | 'didYouMean' | 'caseInsensitive'>,
  ) {}

  /** From now on, a leading @mention of the bot with this id counts as a prefix. */
  recognizeMention(botId: string): void {
    this.mention = mentionPattern(botId)
  }

  /**
   * The command `message` asks for; a suggestion when a prefixed word is close to a command (and `didYouMean`
   * is on there); otherwise `undefined` (not a command to this bot, or no known one).
   */
  route(message: RoutedMessage): Route | UnknownCommand | undefined {
    const stripped = stripPrefix(
      message.content,
      message.scene,
      {
        prefixes: message.prefixes,
        mention: this.mention,
        prefixOptionalInDirect: this.options.prefixOptionalInDirect,
      },
      message.mentionedByPlatform,
    )
    if (stripped === undefined) return undefined
    const { word, rest } = splitCommandWord(stripped.text)
    if (!word) return undefined
    const sub = this.registry.isGroup(word) ? splitCommandWord(rest).word : ''
    if (sub) {
      // `/admin ban x`: the command is the first two words (when they name a subcommand).
      const subcommand = this.registry.find(`${word} ${sub}`)
      if (subcommand) return { command: subcommand, rest: splitCommandWord(rest).rest }
    }
    const command = this.registry.find(word)
    if (command) return { command, rest }
    return stripped.prefix === undefined
      ? undefined
      : this.suggest(sub ? `${word} ${sub}` : word, stripped.prefix, message.scene)
  }

  private suggest(typed: string, prefix: string, scene: Scene): UnknownCommand | undefined {
    const { didYouMean, caseInsensitive } = this.options
    if (!didYouMean?.scenes.has(scene)) return undefined
    const fold = (word: string) => (caseInsensitive ? word.toLowerCase() : word)
    const words = new Map(this.registry.wordsIn(scene).map((word) => [fold(word), word]))
    const closest = closestWord(fold(typed), words.keys(), didYouMean.maxDistance)
    return closest === undefined
      ? undefined
      : { command: undefined, typed: `${prefix}${typed}`, suggestion: `${prefix}${words.get(closest)}` }
  }
}
