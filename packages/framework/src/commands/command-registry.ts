import { ConfigError } from '@qqbot/core'
import { SCENES, type Scene } from '@qqbot/core'
import type { CommandDefinition, Guard, ParamDefinition } from '../metadata/controller-metadata.js'
import { isSwitchSchema, syntaxOf, type CommandSyntax } from './argument-parser.js'

/** One runnable command of one bot. */
export interface RegisteredCommand {
  definition: CommandDefinition
  /** What the user types after the prefix: `roll`, or `admin ban` for a subcommand. */
  path: string
  controller: object
  /** Controller guards, then method guards. */
  guards: readonly Guard[]
  scenes: readonly Scene[] | undefined
  syntax: CommandSyntax
  usage: string
}

/**
 * A bot's commands by name and alias. A `Map` keyed by the typed word: `__proto__` or `constructor` typed by
 * a user is just a word that matches nothing.
 */
export class CommandRegistry {
  private readonly byName = new Map<string, RegisteredCommand>()
  private readonly groups = new Set<string>()

  constructor(
    private readonly caseInsensitive: boolean,
    private readonly firstPrefix: string,
  ) {}

  /** How many commands (not counting aliases). */
  get size(): number {
    return new Set(this.byName.values()).size
  }

  add(
    controller: object,
    definition: CommandDefinition,
    controllerScenes: readonly Scene[] | undefined,
    controllerGuards: readonly Guard[] = [],
    group?: string,
  ): void {
    const path = group ? `${group} ${definition.name}` : definition.name
    const command: RegisteredCommand = {
      definition,
      path,
      controller,
      guards: [...controllerGuards, ...definition.guards],
      scenes: definition.options.scenes ?? controllerScenes,
      syntax: syntaxOf(definition.params),
      usage: usageOf(this.firstPrefix, path, definition.params),
    }
    if (group) this.groups.add(this.normalize(group))
    for (const name of [definition.name, ...(definition.options.aliases ?? [])]) {
      const word = group ? `${group} ${name}` : name
      const key = this.normalize(word)
      const existing = this.byName.get(key)
      if (existing) {
        throw new ConfigError(
          `Two commands answer to "${word}": ${describe(existing)} and ${describe(command)}. Rename one of them or change its aliases.`,
        )
      }
      this.byName.set(key, command)
    }
  }

  find(word: string): RegisteredCommand | undefined {
    return this.byName.get(this.normalize(word))
  }

  /** True when `word` starts a group of subcommands (`admin` in `/admin ban`). */
  isGroup(word: string): boolean {
    return this.groups.has(this.normalize(word))
  }

  /** Every scene some command runs in (for subscribing to the right message events). */
  scenes(): Set<Scene> {
    const scenes = new Set<Scene>()
    for (const command of this.byName.values()) for (const scene of command.scenes ?? SCENES) scenes.add(scene)
    return scenes
  }

  /** The words (names and aliases, `group sub` for subcommands) of the commands that run in `scene`. */
  wordsIn(scene: Scene): string[] {
    const words: string[] = []
    for (const command of this.all()) {
      if (command.scenes && !command.scenes.includes(scene)) continue
      const group = command.path.slice(0, command.path.length - command.definition.name.length)
      for (const name of [command.definition.name, ...(command.definition.options.aliases ?? [])])
        words.push(`${group}${name}`)
    }
    return words
  }

  /** Every command once (not once per alias), in registration order. */
  all(): RegisteredCommand[] {
    return [...new Set(this.byName.values())]
  }

  private normalize(word: string): string {
    return this.caseInsensitive ? word.toLowerCase() : word
  }
}

function describe(command: RegisteredCommand): string {
  return `${command.controller.constructor.name}.${String(command.definition.method)}`
}

/** `/roll [sides] [--times <times>]`: `<x>` required, `[x]` optional (its schema accepts nothing). */
export function usageOf(prefix: string, name: string, params: ParamDefinition[]): string {
  const parts = [`${prefix}${name}`]
  for (const param of params) {
    const optional = param.schema.safeParse(undefined).success
    if (param.kind === 'arg') parts.push(optional ? `[${param.name}]` : `<${param.name}>`)
    else if (param.kind === 'rest') parts.push(optional ? `[${param.name}...]` : `<${param.name}...>`)
  }
  for (const param of params) {
    if (param.kind !== 'flag') continue
    parts.push(isSwitchSchema(param.schema) ? `[--${param.name}]` : `[--${param.name} <${param.name}>]`)
  }
  return parts.join(' ')
}
