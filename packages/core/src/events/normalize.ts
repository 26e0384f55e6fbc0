/**
 * Known variants of real payloads, rewritten to the documented shape before an event is checked again.
 * Runs only for a payload that failed its schema, so a conforming event pays nothing for it.
 *
 * - group messages with `group_id` / `author.id` but no `group_openid` / `author.member_openid`;
 * - C2C messages whose author has `id` only;
 * - a number where a string is documented (ids of 16+ digits arrive as exact strings already, see
 *   `lossless-json.ts`), and a numeric string where a number is documented (`chat_type: "1"`).
 */
import type { z } from 'zod'
import { nonEmptyString } from '../util/non-empty.js'

/** One field of a payload that did not match the documented shape. */
export interface NonconformingField {
  /** Where, with array positions folded: `author.member_openid`, `mentions[].id`, `(root)`. */
  path: string
  /** What was wrong, e.g. `expected string, received undefined`. */
  problem: string
  /** True when the field was rewritten to the documented shape (the handler sees the documented value). */
  normalised: boolean
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Field renames of one event family: the documented field, and the older or alternative one it may come as. */
type Rename = readonly [object: readonly string[], documented: string, variant: string]

const GROUP_MESSAGE_RENAMES: readonly Rename[] = [
  [[], 'group_openid', 'group_id'],
  [['author'], 'member_openid', 'id'],
]
const C2C_MESSAGE_RENAMES: readonly Rename[] = [[['author'], 'user_openid', 'id']]
const GROUP_MEMBER_RENAMES: readonly Rename[] = [[[], 'member_openid', 'user_openid']]

const RENAMES: ReadonlyMap<string, readonly Rename[]> = new Map([
  ['GROUP_AT_MESSAGE_CREATE', GROUP_MESSAGE_RENAMES],
  ['GROUP_MESSAGE_CREATE', GROUP_MESSAGE_RENAMES],
  ['C2C_MESSAGE_CREATE', C2C_MESSAGE_RENAMES],
  ['GROUP_MEMBER_ADD', GROUP_MEMBER_RENAMES],
  ['GROUP_MEMBER_REMOVE', GROUP_MEMBER_RENAMES],
  ['GROUP_MEMBER_UPDATE', GROUP_MEMBER_RENAMES],
])

/** Folds array positions out of a zod path: `['mentions', 2, 'id']` → `mentions[].id`. */
export function foldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)'
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += '[]'
    else out += out === '' ? String(segment) : `.${String(segment)}`
  }
  return out
}

/** The issue's message without zod's "Invalid input: " lead-in. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.message.replace(/^Invalid input: /, '')
}

/**
 * Returns a rewritten copy of `data` (never mutates it) with the known variants of event `name` and the
 * type mismatches `issues` reports turned into the documented shape, and the fields it rewrote.
 */
export function normalisePayload(
  name: string,
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
): { data: unknown; fixed: NonconformingField[] } {
  if (!isObject(data)) return { data, fixed: [] }
  const copy = structuredCloneSafe(data)
  const fixed: NonconformingField[] = []
  for (const [objectPath, documented, variant] of RENAMES.get(name) ?? []) {
    const holder = objectAt(copy, objectPath)
    if (holder && nonEmptyString(holder[documented]) === undefined && nonEmptyString(holder[variant]) !== undefined) {
      holder[documented] = holder[variant]
      fixed.push({
        path: [...objectPath, documented].join('.'),
        problem: `missing; taken from ${variant}`,
        normalised: true,
      })
    }
  }
  for (const issue of issues) {
    if (issue.code !== 'invalid_type') continue
    const parentPath = issue.path.slice(0, -1)
    const key = issue.path[issue.path.length - 1]
    const parent = parentPath.length === 0 ? copy : valueAt(copy, parentPath)
    if (key === undefined || typeof key === 'symbol' || !(isObject(parent) || Array.isArray(parent))) continue
    const holder = parent as Record<string | number, unknown>
    const value = holder[key]
    const coerced = coerce(value, issue.expected)
    if (coerced === undefined) continue
    holder[key] = coerced
    fixed.push({
      path: foldPath(issue.path),
      problem: `${typeof value} where a ${issue.expected} is documented; converted`,
      normalised: true,
    })
  }
  return { data: copy, fixed }
}

function coerce(value: unknown, expected: string): unknown {
  if (expected === 'string' && typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (expected === 'string' && typeof value === 'bigint') return value.toString()
  if (expected === 'number' && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value)
  return undefined
}

function objectAt(root: Json, path: readonly string[]): Json | undefined {
  let node: unknown = root
  for (const key of path) node = isObject(node) ? node[key] : undefined
  return isObject(node) ? node : undefined
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root
  for (const key of path) {
    if (typeof key === 'symbol' || node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[key]
  }
  return node
}

/** A deep copy of plain JSON data; a value `structuredClone` cannot copy (a function, a Proxy) is copied as JSON. */
function structuredCloneSafe(data: Json): Json {
  try {
    return structuredClone(data)
  } catch {
    return JSON.parse(JSON.stringify(data)) as Json
  }
}
