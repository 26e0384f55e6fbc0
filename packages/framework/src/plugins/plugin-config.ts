import type { z } from 'zod'
import { PluginError } from './plugin-error.js'
import type { Plugin } from './define-plugin.js'

/** Field names whose values are never echoed in an error (they may hold credentials). */
const SECRET_FIELD = /secret|token|password|passwd|key|credential|auth/i

/**
 * The plugin's config parsed by its schema (defaults applied). A plugin without a schema takes no config: it
 * gets `{}`. A bad value fails with one message naming the plugin, the field, what was given and what is
 * expected, never a raw zod dump.
 */
export function parsePluginConfig(plugin: Plugin): unknown {
  const { name, config: schema } = plugin.declaration
  if (!schema) return plugin.input ?? {}
  // A factory used without calling it (or called with nothing) means "no config": an empty one when needed.
  const parse = (input: unknown) => (schema as z.ZodType).safeParse(input, { reportInput: true })
  let result = parse(plugin.input)
  if (!result.success && plugin.input === undefined) result = parse({})
  if (result.success) return result.data
  const [issue, ...others] = result.error.issues
  const path = issue?.path.map(String).join('.') ?? ''
  const field = path === '' ? 'its config' : `config field "${path}"`
  const secret = issue?.path.some((key) => SECRET_FIELD.test(String(key))) ?? false
  const given = secret ? 'a value (hidden: the field may hold a secret)' : describe(issueInput(issue))
  const more = others.length === 0 ? '' : ` (and ${others.length} more problem${others.length === 1 ? '' : 's'})`
  return fail(
    name,
    `Plugin "${name}": ${field} is invalid: given ${given}; expected ${expectation(issue)}${more}. Fix the config passed to ${name}(...).`,
  )
}

function fail(name: string, message: string): never {
  throw new PluginError('PLUGIN_CONFIG_INVALID', name, message)
}

function issueInput(issue: z.core.$ZodIssue | undefined): unknown {
  return issue && 'input' in issue ? issue.input : undefined
}

/** zod's own words for what it wanted ("Too small: expected number to be >=2"), first letter lowered. */
function expectation(issue: z.core.$ZodIssue | undefined): string {
  const text = issue?.message ?? 'a valid value'
  return text.charAt(0).toLowerCase() + text.slice(1)
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
