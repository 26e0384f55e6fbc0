import type { z } from 'zod'
import type { ParamDefinition } from '../metadata/controller-metadata.js'
import type { MessageId } from '../i18n/messages.js'
import type { ExpectationWords } from '../i18n/expectations.js'
import { expectedValue, quoteGiven } from '../arguments/expected-value.js'
import { tokenize, TokenizeError } from './tokenizer.js'

/**
 * A user-facing parse failure: which message, about which argument or flag, what the user typed, what was
 * expected in the user's words (when the schema's issue says), and zod's own text (always, as the fallback).
 */
export interface ArgumentFailure {
  id: MessageId
  name?: string
  given?: string
  expected?: string
  reason?: string
}

/**
 * What words after the last argument get: an `ARGUMENT_EXTRA` answer (`refuse`), or nothing (`ignore`).
 * Unset: a command with positional arguments refuses them (`/roll 20 extra`), one without ignores them
 * (`/ping 42`: a note or tag after a bare command is common and harmless).
 */
export type ExtraArguments = 'refuse' | 'ignore'

/** How one command's arguments are read and explained, in the bot's language. */
export interface ArgumentParsing {
  zodLocale: z.core.$ZodErrorMap
  expectations: ExpectationWords
  extraArguments: ExtraArguments | undefined
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
  parsing: ArgumentParsing,
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
    const result = param.schema.safeParse(raw, { error: parsing.zodLocale })
    if (!result.success)
      return failure(
        raw === undefined ? 'ARGUMENT_MISSING' : 'ARGUMENT_INVALID',
        param.name,
        raw,
        result.error,
        parsing,
      )
    values.set(param.index, result.data)
  }
  const positional = params.some((param) => param.kind !== 'flag')
  const extras = parsing.extraArguments ?? (positional ? 'refuse' : 'ignore')
  if (position < tokens.positionals.length && extras === 'refuse')
    return {
      ok: false,
      failure: {
        id: 'ARGUMENT_EXTRA',
        given: quoteGiven(
          tokens.positionals
            .slice(position)
            .map((token) => token.value)
            .join(' '),
        ),
      },
    }
  for (const flag of tokens.flagList) {
    if (!syntax.flags.has(flag.name)) return { ok: false, failure: { id: 'FLAG_UNKNOWN', name: flag.name } }
  }
  for (const param of syntax.flags.values()) {
    const given = tokens.flags.get(param.name)?.value
    const result = param.schema.safeParse(given, { error: parsing.zodLocale })
    if (!result.success) return failure('FLAG_INVALID', param.name, given, result.error, parsing)
    values.set(param.index, result.data)
  }
  return { ok: true, values }
}

function failure(
  id: MessageId,
  name: string,
  raw: unknown,
  error: z.ZodError,
  parsing: ArgumentParsing,
): { ok: false; failure: ArgumentFailure } {
  const issue = error.issues[0]
  const found: ArgumentFailure = { id, name, reason: issue?.message ?? 'invalid' }
  const expected = expectedValue(issue, parsing.expectations)
  if (expected !== undefined) found.expected = expected
  if (typeof raw === 'string') found.given = quoteGiven(raw)
  return { ok: false, failure: found }
}
