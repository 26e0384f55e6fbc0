import { ConfigError, SCENES, type Scene } from '@qqbot/core'

/** When a mistyped command gets "did you mean …?" (`didYouMean` of the bot options). */
export interface DidYouMeanOptions {
  /** Scenes where it answers; default every scene. */
  scenes?: Scene[]
  /**
   * How many typing mistakes (letters added, dropped, changed or swapped) a suggestion may be away; default 2.
   * Never more than a third of the word, so short words only match on one mistake and single letters never.
   */
  maxDistance?: number
}

export interface ResolvedDidYouMean {
  scenes: ReadonlySet<Scene>
  maxDistance: number
}

const DEFAULT_MAX_DISTANCE = 2

export function resolveDidYouMean(value: boolean | DidYouMeanOptions | undefined): ResolvedDidYouMean | undefined {
  if (value === false) return undefined
  if (value === undefined || value === true) return { scenes: new Set(SCENES), maxDistance: DEFAULT_MAX_DISTANCE }
  if (typeof value !== 'object' || value === null)
    throw new ConfigError(`didYouMean must be true, false or { scenes?, maxDistance? }; got ${JSON.stringify(value)}.`)
  const { scenes = [...SCENES], maxDistance = DEFAULT_MAX_DISTANCE } = value
  if (!Number.isInteger(maxDistance) || maxDistance < 1)
    throw new ConfigError(`didYouMean.maxDistance must be a whole number of at least 1; got ${String(maxDistance)}.`)
  const unknown = scenes.filter((scene) => !SCENES.includes(scene))
  if (unknown.length > 0)
    throw new ConfigError(`didYouMean.scenes has unknown scenes ${JSON.stringify(unknown)}: use ${SCENES.join(', ')}.`)
  return { scenes: new Set(scenes), maxDistance }
}

/**
 * The candidate closest to `word` within the allowed number of mistakes, or `undefined`. Ties go to the
 * candidate listed first.
 */
export function closestWord(word: string, candidates: Iterable<string>, maxDistance: number): string | undefined {
  const limit = Math.min(maxDistance, Math.floor([...word].length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate, bestDistance)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/**
 * Letters inserted, deleted, substituted or swapped with their neighbour (optimal string alignment), by code
 * point; anything at or above `cap` is reported as `cap`.
 */
export function editDistance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  const x = [...a]
  const y = [...b]
  if (Math.abs(x.length - y.length) >= cap) return cap
  let beforePrevious: number[] = []
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const current = [i]
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        value = Math.min(value, beforePrevious[j - 2]! + 1)
      current.push(value)
    }
    beforePrevious = previous
    previous = current
  }
  return Math.min(previous[y.length]!, cap)
}
