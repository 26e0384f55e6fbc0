import type { RegisteredCommand } from '../commands/command-registry.js'
import type { MessageTable } from '../i18n/messages.js'
import type { Scene } from '@qqbot/core'
import { isSwitchSchema } from '../commands/argument-parser.js'

/** The plugin a command belongs to, as `/help` shows it above the plugin's commands. */
export interface HelpSection {
  name: string
  description?: string | undefined
}

/**
 * `/help`: the commands usable in this scene, one per line with its description; the bot's own commands first,
 * then each plugin's under a line with its name and description.
 */
export function renderHelpList(
  commands: RegisteredCommand[],
  scene: Scene,
  prefix: string,
  messages: MessageTable,
  sectionOf: (command: RegisteredCommand) => HelpSection | undefined = () => undefined,
): string {
  const sections = new Map<HelpSection | undefined, string[]>([[undefined, []]])
  for (const command of commands) {
    if (command.scenes && !command.scenes.includes(scene)) continue
    const description = command.definition.options.description
    const section = sectionOf(command)
    let lines = sections.get(section)
    if (!lines) sections.set(section, (lines = []))
    lines.push(`${prefix}${command.path}${description ? ` — ${description}` : ''}`)
  }
  const lines = [messages.HELP_LIST({}), ...sections.get(undefined)!]
  for (const [section, commandLines] of sections) {
    if (!section) continue
    if (lines.length > 1) lines.push('')
    lines.push(`${section.name}${section.description ? ` — ${section.description}` : ''}`, ...commandLines)
  }
  return lines.join('\n')
}

/** `/help roll`: usage, aliases, and each argument and flag with its description and default. */
export function renderCommandHelp(command: RegisteredCommand, prefix: string, messages: MessageTable): string {
  const { definition } = command
  const lines = [command.usage]
  if (definition.options.description) lines.push(definition.options.description)
  if (definition.options.aliases?.length)
    lines.push(`${messages.HELP_ALIASES({})}${definition.options.aliases.map((alias) => prefix + alias).join(', ')}`)
  const args = definition.params.filter((param) => param.kind !== 'flag')
  const flags = definition.params.filter((param) => param.kind === 'flag')
  if (args.length > 0) {
    lines.push(messages.HELP_ARGUMENTS({}))
    for (const param of args) lines.push(`  ${param.name}${detail(param.description, param.schema, messages)}`)
  }
  if (flags.length > 0) {
    lines.push(messages.HELP_OPTIONS({}))
    for (const param of flags) {
      const short = param.kind === 'flag' && param.short ? `, -${param.short}` : ''
      const value = isSwitchSchema(param.schema) ? '' : ` <${param.name}>`
      lines.push(`  --${param.name}${value}${short}${detail(param.description, param.schema, messages)}`)
    }
  }
  return lines.join('\n')
}

function detail(
  description: string | undefined,
  schema: { safeParse(value: unknown): { success: boolean; data?: unknown } },
  messages: MessageTable,
): string {
  const parts: string[] = []
  if (description) parts.push(description)
  const empty = schema.safeParse(undefined)
  if (empty.success && empty.data !== undefined) parts.push(messages.HELP_DEFAULT({ name: String(empty.data) }))
  return parts.length > 0 ? `: ${parts.join('; ')}` : ''
}
