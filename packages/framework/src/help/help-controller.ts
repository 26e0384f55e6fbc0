import { z } from 'zod'
import type { ResolvedBotOptions } from '../bot/bot-options.js'
import type { CommandRegistry, RegisteredCommand } from '../commands/command-registry.js'
import type { CommandContext } from '../context/contexts.js'
import { Command, Controller, Rest } from '../decorators/decorators.js'
import type { Constructor } from '../di/bot-container.js'
import { renderCommandHelp, renderHelpList, type HelpSection } from './help-renderer.js'

export type HelpOptions = Pick<ResolvedBotOptions, 'helpNames' | 'displayPrefix' | 'messages'>

/**
 * The built-in `/help`, written as a controller like any of yours (`@Controller`, `@Command`, a handler taking
 * the `CommandContext`) and registered after yours: `/help` lists the commands usable in this scene, `/help
 * roll` explains one. Only names no command of yours took are used (yours win), and it answers in the scenes
 * your commands use, so it never widens the intents the bot asks for. `undefined` when there is nothing to
 * register: help is off, every name is taken, or the bot has no commands.
 */
export function helpController(
  registry: CommandRegistry,
  options: HelpOptions,
  sectionOf?: (command: RegisteredCommand) => HelpSection | undefined,
): Constructor | undefined {
  const [name, ...aliases] = options.helpNames.filter((candidate) => !registry.find(candidate))
  const scenes = [...registry.scenes()]
  if (name === undefined || scenes.length === 0) return undefined
  const { displayPrefix: prefix, messages } = options

  @Controller({ scenes })
  class Help {
    @Command(name!, { aliases })
    async help(
      @Rest('command', z.string().optional()) command: string | undefined,
      ctx: CommandContext,
    ): Promise<void> {
      const asked = command?.trim() ?? ''
      const wanted = (asked.startsWith(prefix) ? asked.slice(prefix.length) : asked).replace(/\s+/g, ' ')
      if (!wanted) {
        const commands = registry.all().filter((each) => each.controller !== Help.prototype)
        return void (await ctx.reply(renderHelpList(commands, ctx.scene, prefix, messages, sectionOf)))
      }
      const found = registry.find(wanted)
      if (!found || (found.scenes && !found.scenes.includes(ctx.scene))) {
        return void (await ctx.say('HELP_UNKNOWN', {
          name: wanted,
          usage: `${prefix}${typedWord(ctx, options.helpNames)}`,
        }))
      }
      await ctx.reply(renderCommandHelp(found, prefix, messages))
    }
  }
  return Help
}

/** The help name as the user typed it (`帮助`, `HELP`), so the hint repeats the user's own word. */
function typedWord(ctx: CommandContext, names: readonly string[]): string {
  const text = ctx.content.trimEnd()
  const head = text.slice(0, text.length - ctx.argsText.length).trimEnd()
  const last =
    head
      .split(/[\s\u3000]+/u)
      .at(-1)
      ?.toLowerCase() ?? ''
  const typed = names.filter((name) => last.endsWith(name.toLowerCase())).sort((a, b) => b.length - a.length)[0]
  return typed === undefined ? ctx.command : head.slice(head.length - typed.length)
}
