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

interface FaultRule {
  match: FaultMatch
  response: FaultResponse
  remaining: number
}

/** A FIFO of one-shot (or n-shot) REST fault rules. */
export class RestFaults {
  private rules: FaultRule[] = []

  /** The next `times` requests matching `match` get `response`. */
  add(match: FaultMatch, response: FaultResponse, times = 1): void {
    if (times > 0) this.rules.push({ match, response, remaining: times })
  }

  /** Consumes one use of the first rule that matches, returning its response. */
  take(method: string, path: string): FaultResponse | undefined {
    const index = this.rules.findIndex((rule) => matches(rule.match, method, path))
    const rule = this.rules[index]
    if (!rule) return undefined
    rule.remaining -= 1
    if (rule.remaining <= 0) this.rules.splice(index, 1)
    return rule.response
  }

  /** Number of fault rules still armed. */
  get pending(): number {
    return this.rules.length
  }

  /** Drops every armed rule. */
  clear(): void {
    this.rules = []
  }
}

function matches(match: FaultMatch, method: string, path: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) return false
  if (match.path === undefined) return true
  if (typeof match.path === 'string') return match.path === path
  match.path.lastIndex = 0
  return match.path.test(path)
}
