import type { z } from 'zod'
import type { ParamDefinition } from '../metadata/controller-metadata.js'
import type { MessageId } from '../i18n/messages.js'
import { tokenize, TokenizeError } from './tokenizer.js'

/** A user-facing parse failure: which message, about which argument or flag, and why. */
export interface ArgumentFailure {
  id: MessageId
  name?: string
  reason?: string
}

export type ParsedArguments = { ok: true; values: Map<number, unknown> } | { ok: false; failure: ArgumentFailure }

/** Tokenizer options derived once per command from its `@Flag`s. */
export interface CommandSyntax {
  booleanFlags: ReadonlySet<string>
  shortFlags: ReadonlyMap<string, string>
  flags: ReadonlyMap<string, ParamDefinition>
}

export function syntaxOf(params: ParamDefinition[]): CommandSyntax {
  const booleanFlags = new Set<string>()
  const shortFlags = new Map<string, string>()
  const flags = new Map<string, ParamDefinition>()
  for (const param of params) {
    if (param.kind !== 'flag') continue
    flags.set(param.name, param)
    if (param.short) shortFlags.set(param.short, param.name)
    if (isSwitchSchema(param.schema)) booleanFlags.add(param.name)
  }
  return { booleanFlags, shortFlags, flags }
}

/**
 * A flag is a switch (`--loud`, no value) when its schema turns `true` into `true` and rejects a word:
 * `z.boolean()`, `z.boolean().default(false)`. `z.coerce.number()` also accepts `true` (as 1), so the
 * output is what decides.
 */
export function isSwitchSchema(schema: z.ZodType): boolean {
  const result = schema.safeParse(true)
  return result.success && result.data === true && !schema.safeParse('word').success
}

/**
 * Parses the text after the command name into handler parameter values: positionals in order, `@Rest`
 * as typed, flags by name, each through its zod schema (coercion, defaults, enums, refinements).
 */
export function parseArguments(
  text: string,
  params: ParamDefinition[],
  syntax: CommandSyntax,
  zodLocale: z.core.$ZodErrorMap,
): ParsedArguments {
  let tokens
  try {
    tokens = tokenize(text, { booleanFlags: syntax.booleanFlags, shortFlags: syntax.shortFlags })
  } catch (error) {
    if (error instanceof TokenizeError) return { ok: false, failure: { id: error.code } }
    throw error
  }
  const values = new Map<number, unknown>()
  let position = 0
  for (const param of params) {
    if (param.kind === 'flag') continue
    const raw =
      param.kind === 'rest'
        ? position < tokens.positionals.length
          ? tokens.restFrom(position)
          : undefined
        : tokens.positionals[position]?.value
    position = param.kind === 'rest' ? tokens.positionals.length : position + 1
    const result = param.schema.safeParse(raw, { error: zodLocale })
    if (!result.success) {
      return {
        ok: false,
        failure: {
          id: raw === undefined ? 'ARGUMENT_MISSING' : 'ARGUMENT_INVALID',
          name: param.name,
          reason: firstIssue(result.error),
        },
      }
    }
    values.set(param.index, result.data)
  }
  for (const flag of tokens.flagList) {
    if (!syntax.flags.has(flag.name)) return { ok: false, failure: { id: 'FLAG_UNKNOWN', name: flag.name } }
  }
  for (const param of syntax.flags.values()) {
    const given = tokens.flags.get(param.name)?.value
    const result = param.schema.safeParse(given, { error: zodLocale })
    if (!result.success)
      return { ok: false, failure: { id: 'FLAG_INVALID', name: param.name, reason: firstIssue(result.error) } }
    values.set(param.index, result.data)
  }
  return { ok: true, values }
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid'
}
