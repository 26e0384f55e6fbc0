import type { z } from 'zod'
import type { ResolvedStateScope } from './state-definition.js'
import { StateValidationError, type StateLocation } from './state-errors.js'

/** A value read from storage, validated (and migrated when it had to be). */
export interface DecodedState {
  value: unknown
  /** True when `migrate` ran: the value differs from what is stored and is written back after the handler. */
  migrated: boolean
}

const MAX_ISSUES = 5

/**
 * Turns one scope's values into stored JSON and back. What is stored is `{"v": schema version, "value": …}`,
 * so a value from an older schema is recognised and migrated. Every value handed out is a fresh JSON copy:
 * a handler mutating it never changes a schema's default or another event's copy.
 */
export class StateCodec {
  constructor(
    private readonly scope: ResolvedStateScope,
    private readonly location: StateLocation,
  ) {}

  /** The value of a user, chat or guild that has none stored: the schema's default (or `undefined`). */
  initial(): unknown {
    return jsonCopy(this.scope.schema.parse(undefined))
  }

  decode(json: string): DecodedState {
    const stored = parseEnvelope(json)
    if (!stored) return this.fail('is not what this framework stores', ['not a {"v", "value"} JSON object'])
    const { version, migrate, schema } = this.scope
    if (stored.v > version)
      return this.fail('was stored by a newer schema', [`stored at version ${stored.v}, this bot knows ${version}`], {
        advice: 'Run the same bot version everywhere, or roll the state back.',
      })
    const current = stored.v === version ? schema.safeParse(stored.value) : undefined
    if (current?.success) return { value: jsonCopy(current.data), migrated: false }
    if (!migrate) {
      const issues = current
        ? issuesOf(current.error)
        : [`stored at version ${stored.v}, the schema is version ${version}`]
      return this.fail('does not validate', issues)
    }
    const migrated = schema.safeParse(this.runMigrate(migrate, stored.value, stored.v))
    if (!migrated.success)
      return this.fail(`does not validate after migrate (from version ${stored.v})`, issuesOf(migrated.error))
    return { value: jsonCopy(migrated.data), migrated: true }
  }

  /** The JSON to store for `value`; a value its schema refuses is never written. */
  encode(value: unknown): string {
    const checked = this.scope.schema.safeParse(value)
    if (!checked.success)
      throw new StateValidationError(
        this.location,
        'cannot be saved: the new value does not validate',
        issuesOf(checked.error),
        'Fix the value the handler sets.',
      )
    return this.serialize(value)
  }

  /** The JSON stored for `value`, unchecked: for telling whether a value changed. */
  serialize(value: unknown): string {
    return JSON.stringify({ v: this.scope.version, value })
  }

  private runMigrate(migrate: NonNullable<ResolvedStateScope['migrate']>, value: unknown, from: number): unknown {
    try {
      return migrate(value, from)
    } catch (error) {
      throw new StateValidationError(
        this.location,
        `could not be migrated from version ${from}`,
        [error instanceof Error ? error.message : String(error)],
        'Fix the migrate hook.',
      )
    }
  }

  private fail(problem: string, issues: string[], options: { advice?: string } = {}): never {
    const advice =
      options.advice ??
      (this.scope.migrate
        ? 'Fix the migrate hook so it returns the current shape, or delete the key.'
        : 'Give the scope a `migrate` hook (and bump its `version`) that turns old values into the current shape, or delete the key.')
    throw new StateValidationError(this.location, problem, issues, advice)
  }
}

/** The stored envelope, or `undefined` when `json` is not one. */
function parseEnvelope(json: string): { v: number; value: unknown } | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const { v, value } = parsed as { v?: unknown; value?: unknown }
  return Number.isInteger(v) && (v as number) >= 1 ? { v: v as number, value } : undefined
}

/** One readable line per zod issue (`count: expected number, received string`), at most a few. */
function issuesOf(error: z.ZodError): string[] {
  const lines = error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(the value)'}: ${issue.message}`)
  if (error.issues.length > MAX_ISSUES) lines.push(`and ${error.issues.length - MAX_ISSUES} more`)
  return lines
}

function jsonCopy(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value))
}
