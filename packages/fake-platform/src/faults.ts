/** Which REST requests a fault applies to. Omitted fields match everything. */
export interface FaultMatch {
  /** HTTP method (case-insensitive). */
  method?: string
  /** Exact path (no query string), or a pattern tested against the path. */
  path?: string | RegExp
}

/** The response a matching request receives instead of the real one. */
export interface FaultResponse {
  /** HTTP status. */
  status: number
  /**
   * Response body; objects are sent as JSON, strings verbatim. When omitted, a status of
   * 400 or more gets a platform-style error body and anything else an empty body.
   */
  body?: unknown
  /** Extra response headers. */
  headers?: Record<string, string>
}

/** Which matching requests an episode answers with its fault, and for how long. */
export interface FaultEpisodeOptions {
  /** How long the episode lasts, on the platform's clock (the `now` option). Default: until `stop()`. */
  durationMs?: number
  /** Answer every `every`-th matching request (the `every`-th, `2 × every`-th, …). Default 1: all of them. */
  every?: number
  /** Instead of `every`: answer this fraction (0–1) of matching requests, drawn from a seeded generator. */
  fraction?: number
  /** Seed of the `fraction` draws, so a run can be repeated. Default 1. */
  seed?: number
  /**
   * Instead of `every`/`fraction`: a rate limit. Each path may have this many requests answered normally
   * per second (a sliding window on the platform's clock); the requests beyond it get the fault.
   */
  perSecond?: number
}

/** A running fault episode (see {@link RestFaults.addEpisode}). */
export interface FaultEpisode {
  /** Matching requests seen while the episode was active. */
  readonly matched: number
  /** Those answered with the fault. */
  readonly injected: number
  /** False once the duration ran out or `stop()` was called. */
  readonly active: boolean
  /** Ends the episode now. */
  stop(): void
}

interface FaultRule {
  match: FaultMatch
  response: FaultResponse
  remaining: number
}

/** One-shot (or n-shot) REST fault rules in FIFO order, then time-bound fault episodes. */
export class RestFaults {
  private rules: FaultRule[] = []
  private episodes: Episode[] = []

  constructor(private readonly now: () => number = Date.now) {}

  /** Number of fault rules and episodes still armed. */
  get pending(): number {
    return this.rules.length + this.episodes.filter((episode) => episode.active).length
  }

  /** The next `times` requests matching `match` get `response`. */
  add(match: FaultMatch, response: FaultResponse, times = 1): void {
    if (times > 0) this.rules.push({ match, response, remaining: times })
  }

  /** For a while, answers some of the requests matching `match` with `response` (see {@link FaultEpisodeOptions}). */
  addEpisode(match: FaultMatch, response: FaultResponse, options: FaultEpisodeOptions = {}): FaultEpisode {
    const episode = new Episode(match, response, options, this.now)
    this.episodes.push(episode)
    return episode
  }

  /** The fault response for this request, if any: the first armed rule that matches, else an episode's draw. */
  take(method: string, path: string): FaultResponse | undefined {
    const index = this.rules.findIndex((rule) => matches(rule.match, method, path))
    const rule = this.rules[index]
    if (rule) {
      rule.remaining -= 1
      if (rule.remaining <= 0) this.rules.splice(index, 1)
      return rule.response
    }
    if (this.episodes.length === 0) return undefined
    this.episodes = this.episodes.filter((episode) => episode.active)
    for (const episode of this.episodes) {
      if (matches(episode.match, method, path) && episode.draw(path)) return episode.response
    }
    return undefined
  }

  /** Drops every armed rule and ends every episode. */
  clear(): void {
    this.rules = []
    for (const episode of this.episodes) episode.stop()
    this.episodes = []
  }
}

class Episode implements FaultEpisode {
  matched = 0
  injected = 0
  private stopped = false
  private readonly endsAt: number
  private readonly random: () => number
  /** Per path, when the requests let through in the last second arrived (with `perSecond`). */
  private readonly passed = new Map<string, number[]>()

  constructor(
    readonly match: FaultMatch,
    readonly response: FaultResponse,
    private readonly options: FaultEpisodeOptions,
    private readonly now: () => number,
  ) {
    this.endsAt = options.durationMs === undefined ? Number.POSITIVE_INFINITY : now() + options.durationMs
    this.random = seededRandom(options.seed ?? 1)
  }

  get active(): boolean {
    return !this.stopped && this.now() < this.endsAt
  }

  stop(): void {
    this.stopped = true
  }

  /** Counts a matching request and decides whether it gets the fault. */
  draw(path: string): boolean {
    this.matched += 1
    const { fraction, perSecond, every = 1 } = this.options
    const hit =
      perSecond !== undefined
        ? this.overRate(path, perSecond)
        : fraction !== undefined
          ? this.random() < fraction
          : this.matched % Math.max(1, Math.floor(every)) === 0
    if (hit) this.injected += 1
    return hit
  }

  private overRate(path: string, perSecond: number): boolean {
    const now = this.now()
    const recent = (this.passed.get(path) ?? []).filter((at) => now - at < 1_000)
    const over = recent.length >= perSecond
    if (!over) recent.push(now)
    this.passed.set(path, recent)
    return over
  }
}

/** mulberry32: small, fast and good enough to spread faults repeatably. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false
  if (match.path === undefined) return true
  if (typeof match.path === 'string') return match.path === path
  match.path.lastIndex = 0
  return match.path.test(path)
}
