import type { Labels } from './metrics.js'

/** Most keys cached per label name: past it (an unbounded value such as an id) keys are built without the cache. */
const MAX_CACHED_VALUES = 1_024

const NEEDS_ESCAPE = /["\\\n]/

/**
 * Series keys of label sets as the exposition format writes them (`code="1",route="POST /x"`: names sorted,
 * values escaped). Several counters run per event, each with one label of a handful of values (a route, a
 * scene, a source), so a one-label key is cached per name and value: it is neither built nor hashed again.
 */
export class LabelKeys {
  private readonly single = new Map<string, Map<string | number, string>>()

  of(labels: Labels): string {
    const names = Object.keys(labels)
    if (names.length !== 1) return multiLabelKey(labels, names)
    const name = names[0]!
    const value = labels[name]!
    // Only strings and numbers stand for their text; anything else (a caller outside the types) is keyed afresh.
    if (typeof value !== 'string' && typeof value !== 'number') return pair(name, value)
    let byValue = this.single.get(name)
    if (byValue === undefined) this.single.set(name, (byValue = new Map()))
    let key = byValue.get(value)
    if (key === undefined) {
      key = pair(name, value)
      if (byValue.size < MAX_CACHED_VALUES) byValue.set(value, key)
    }
    return key
  }
}

function multiLabelKey(labels: Labels, names: string[]): string {
  let key = ''
  for (const name of names.sort()) key += `${key ? ',' : ''}${pair(name, labels[name])}`
  return key
}

function pair(name: string, value: unknown): string {
  return `${name}="${escapeLabel(String(value))}"`
}

function escapeLabel(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
