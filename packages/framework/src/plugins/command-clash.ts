import type { Constructor } from '../di/bot-container.js'
import { definitionOf } from '../metadata/controller-metadata.js'
import { PluginError } from './plugin-error.js'

/** Whose commands: a plugin's (by name), or the bot's own controllers (`undefined`). */
export interface CommandOwner {
  readonly name: string | undefined
  readonly controllers: readonly Constructor[]
}

/**
 * Fails when two owners declare the same command name or alias (as typed, with a group's word in front),
 * naming both: no plugin silently overrides another. Clashes inside one owner are the registry's to report.
 */
export function checkCommandClashes(owners: readonly CommandOwner[], caseInsensitive: boolean): void {
  const taken = new Map<string, CommandOwner>()
  for (const owner of owners) {
    for (const word of new Set(commandWords(owner.controllers, caseInsensitive))) {
      const first = taken.get(word)
      if (first === undefined) {
        taken.set(word, owner)
        continue
      }
      const [a, b] = first.name === undefined ? [owner, first] : [first, owner]
      throw new PluginError(
        'PLUGIN_COMMAND_CLASH',
        a.name!,
        `${capitalized(describe(a))} and ${describe(b)} both declare the command "${word}". Rename it or drop the alias in one of them; a plugin never overrides another's command.`,
      )
    }
  }
}

function describe(owner: CommandOwner): string {
  return owner.name === undefined ? "the bot's own controllers" : `plugin "${owner.name}"`
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function commandWords(controllers: readonly Constructor[], caseInsensitive: boolean): string[] {
  const words: string[] = []
  for (const controller of controllers) {
    const definition = definitionOf(controller)
    if (!definition) continue
    const { group } = definition.options
    for (const command of definition.commands) {
      for (const name of [command.name, ...(command.options.aliases ?? [])]) {
        const word = group ? `${group} ${name}` : name
        words.push(caseInsensitive ? word.toLowerCase() : word)
      }
    }
  }
  return words
}
