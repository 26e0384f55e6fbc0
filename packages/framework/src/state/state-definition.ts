import { ConfigError } from '@qqbot/core'
import type { z } from 'zod'

/**
 * Whose state a value is: one user across the bot (`user`), one chat (`chat`: a group, a C2C chat, a guild
 * channel or a guild DM) or one guild (`guild`, the guild of a channel).
 */
export type StateScope = 'user' | 'chat' | 'guild'

/** The scopes in the order keys, docs and errors list them. */
export const STATE_SCOPES: readonly StateScope[] = Object.freeze(['user', 'chat', 'guild'] as const)

/** One scope of a {@link defineState} declaration with its options; a bare zod schema means all defaults. */
export interface StateScopeOptions<S extends z.ZodType = z.ZodType> {
  /**
   * What the value looks like. It must accept a missing value: `.default(initial)` gives new users, chats or
   * guilds their first value, `.optional()` leaves it `undefined`. Values are stored as JSON, so use
   * JSON-shaped schemas (no dates, maps or transforms).
   */
  schema: S
  /** Forget the value this long after its last write. Default: kept until deleted. */
  ttlMs?: number
  /** The version of `schema`, stored with each value; bump it when the shape changes. Default 1. */
  version?: number
  /**
   * Turns a value stored by an older schema into the current one; it gets the stored value and the version it
   * was stored at. Called when that version is older than `version`, or when the value no longer validates.
   * The result is validated, and written back after the handler. Default: none (such a value is an error).
   */
  migrate?: (value: unknown, storedVersion: number) => z.input<S>
}

/** A scope as declared: a schema, or a schema with options. */
export type StateScopeInput = z.ZodType | StateScopeOptions

/** The scopes a {@link defineState} declaration has. */
export type StateScopesInput = { readonly [K in StateScope]?: StateScopeInput }

/** A scope with its defaults applied, as the runtime uses it. */
export interface ResolvedStateScope {
  readonly schema: z.ZodType
  readonly ttlMs: number | undefined
  readonly version: number
  readonly migrate: ((value: unknown, storedVersion: number) => unknown) | undefined
}

/**
 * State declared once, next to the controller (or plugin) that uses it: a namespace, and a zod schema per
 * scope. Name it in `@Controller({ state })` to get `ctx.state`, or read it anywhere with `ctx.stateOf(it)`.
 */
export interface StateDefinition<Scopes extends StateScopesInput = StateScopesInput> {
  /** Keeps this state apart from other state with the same field names; unique within a bot. */
  readonly namespace: string
  /** The declared scopes, for typing; the runtime reads {@link StateDefinition.resolved}. */
  readonly scopes: Scopes
  readonly resolved: { readonly [K in StateScope]?: ResolvedStateScope }
}

/** Checks each declared scope against its own schema (so `migrate` must return that schema's shape). */
export type CheckedScopes<Scopes> = {
  readonly [K in keyof Scopes]: Scopes[K] extends z.ZodType
    ? Scopes[K]
    : Scopes[K] extends { schema: infer S extends z.ZodType }
      ? StateScopeOptions<S>
      : Scopes[K]
}

/** What a context without declared state is typed with: `ctx.state` has no scopes. */
export type NoState = StateDefinition<Record<never, never>>

/** The value type of one declared scope. */
export type StateValue<I> = I extends z.ZodType
  ? z.output<I>
  : I extends StateScopeOptions<infer S>
    ? z.output<S>
    : never

const NAMESPACE = /^[A-Za-z0-9_.-]+$/

/**
 * Declares state: `defineState('counter', { user: z.object({ count: z.number() }).default({ count: 0 }) })`.
 * The namespace keeps it apart from other state (two controllers may both have a `count`); a bot refuses two
 * different declarations with one namespace. Throws `ConfigError` for a bad namespace, option or schema.
 */
export function defineState<const Scopes extends StateScopesInput>(
  namespace: string,
  scopes: Scopes & CheckedScopes<Scopes>,
): StateDefinition<Scopes> {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace))
    throw new ConfigError(
      `A state namespace is letters, digits, '_', '-' or '.'; got ${JSON.stringify(namespace)}. Name it after its controller or plugin.`,
    )
  const resolved: { [K in StateScope]?: ResolvedStateScope } = {}
  for (const [scope, input] of Object.entries(scopes) as [string, StateScopeInput | undefined][]) {
    if (input === undefined) continue
    if (scope !== 'user' && scope !== 'chat' && scope !== 'guild')
      throw new ConfigError(`State "${namespace}" declares the scope "${scope}"; the scopes are user, chat and guild.`)
    resolved[scope] = resolveScope(`${namespace}.${scope}`, input)
  }
  return Object.freeze({ namespace, scopes, resolved: Object.freeze(resolved) })
}

function resolveScope(name: string, input: StateScopeInput): ResolvedStateScope {
  const options: StateScopeOptions = isSchema(input) ? { schema: input } : input
  if (!isSchema(options.schema)) throw new ConfigError(`State ${name}: \`schema\` must be a zod schema.`)
  const { ttlMs, version = 1, migrate } = options
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0))
    throw new ConfigError(`State ${name}: \`ttlMs\` must be a positive whole number of milliseconds; got ${ttlMs}.`)
  if (!(Number.isInteger(version) && version >= 1))
    throw new ConfigError(`State ${name}: \`version\` must be a whole number from 1; got ${version}.`)
  if (migrate !== undefined && typeof migrate !== 'function')
    throw new ConfigError(`State ${name}: \`migrate\` must be a function.`)
  if (!options.schema.safeParse(undefined).success)
    throw new ConfigError(
      `State ${name}: the schema must accept a missing value (a new user, chat or guild has none): add .default(initial value) or .optional().`,
    )
  return { schema: options.schema, ttlMs, version, migrate }
}

function isSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value
}
