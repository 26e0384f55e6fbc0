import type { Logger } from 'pino'
import type { HttpTransport } from '../http/http-transport.js'
import type { Metrics } from '../metrics/metrics.js'
import type { SecretScrubber } from '../logging/secret-scrubber.js'
import { TokenError } from './token-errors.js'
import { backoffDelay, type BackoffOptions } from '../util/backoff.js'
import { sleep } from '../util/sleep.js'

/** Anything that can hand out a valid access token and be told that one stopped working. */
export interface TokenProvider {
  /** A token valid for at least a few more seconds; fetched (once, however many callers wait) when needed. */
  getToken(): Promise<string>
  /** The token `getToken()` would resolve with at once, without a promise; `undefined` when it has to fetch one. */
  currentToken?(): string | undefined
  /** Reports that `token` was rejected (REST 11244/401, gateway close 4004): the next `getToken()` fetches a new one. */
  invalidate(token: string): void
}

export interface AccessTokenManagerOptions {
  appId: string
  secret: string
  tokenUrl: string
  transport: HttpTransport
  logger: Logger
  metrics?: Metrics
  scrubber?: SecretScrubber
  /** Refresh this long before expiry. The platform only issues a new token in the last 60 s, so keep it under 60 s. Default 45 s. */
  refreshMarginMs?: number
  /** Random spread around the refresh moment so many bots do not refresh at once. Default ±5 s. */
  refreshJitterMs?: number
  /** Attempts of an on-demand fetch for a transient failure (network, 5xx, 100001, 100002) before giving up. Default 4. */
  attempts?: number
  /**
   * Waits between tries of a failed scheduled refresh. They go on, one request each, until the current
   * token would expire (then the next `getToken()` fetches on demand). Default 1 s doubling to 30 s, with jitter.
   */
  refreshRetryBackoff?: BackoffOptions
  requestTimeoutMs?: number
  /** Clock, injectable for tests. */
  now?: () => number
  /** Timer, injectable for tests. Must return a handle for `cancel`. */
  schedule?: (callback: () => void, delayMs: number) => { cancel(): void }
}

interface CachedToken {
  value: string
  expiresAt: number
}

const TRANSIENT_CODES = new Set([100001, 100002])
/** A token this close to expiry is not handed out any more. */
const MIN_REMAINING_MS = 5_000

/**
 * Owns the bot's access token: fetches it with the AppSecret, parses `expires_in` leniently (the platform
 * sends a string), refreshes it inside the platform's last-60-s window, and makes concurrent callers share
 * one request (single-flight).
 */
export class AccessTokenManager implements TokenProvider {
  private cached: CachedToken | undefined
  private inflight: Promise<string> | undefined
  private refreshTimer: { cancel(): void } | undefined
  private stopped = false
  private readonly now: () => number
  private readonly schedule: NonNullable<AccessTokenManagerOptions['schedule']>

  constructor(private readonly options: AccessTokenManagerOptions) {
    this.now = options.now ?? Date.now
    this.schedule =
      options.schedule ??
      ((callback, delayMs) => {
        const timer = setTimeout(callback, delayMs)
        timer.unref()
        return { cancel: () => clearTimeout(timer) }
      })
    options.scrubber?.add(options.secret, { pinned: true })
  }

  /** Milliseconds until the cached token expires, or 0 when there is none. */
  get remainingMs(): number {
    return this.cached ? Math.max(0, this.cached.expiresAt - this.now()) : 0
  }

  getToken(): Promise<string> {
    const token = this.currentToken()
    return token === undefined ? this.refresh() : Promise.resolve(token)
  }

  currentToken(): string | undefined {
    const cached = this.cached
    return cached && cached.expiresAt - this.now() > MIN_REMAINING_MS ? cached.value : undefined
  }

  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined
  }

  /** Fetches a token now (joining a fetch already under way). */
  refresh(): Promise<string> {
    this.inflight ??= this.fetchWithRetry().finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  /** Cancels the proactive refresh for good; `getToken()` keeps working on demand. */
  stop(): void {
    this.stopped = true
    this.refreshTimer?.cancel()
    this.refreshTimer = undefined
  }

  private async fetchWithRetry(): Promise<string> {
    const attempts = this.options.attempts ?? 4
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOnce()
      } catch (error) {
        const transient = error instanceof TokenError && error.transient
        if (!transient || attempt + 1 >= attempts) throw error
        const delay = backoffDelay(attempt, { baseMs: 250, maxMs: 5_000 })
        // The caller reports the failure that remains after the last attempt; each retry is detail.
        this.options.logger.debug(
          { err: error, attempt: attempt + 1, delayMs: delay },
          'access token request failed, retrying',
        )
        await sleep(delay)
      }
    }
  }

  private async fetchOnce(): Promise<string> {
    const { appId, secret, tokenUrl, transport } = this.options
    const requestedAt = this.now()
    let response
    try {
      const url = new URL(tokenUrl)
      response = await transport.send({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appId, clientSecret: secret }),
        timeoutMs: this.options.requestTimeoutMs ?? 10_000,
      })
    } catch (cause) {
      throw new TokenError(`Could not reach the token endpoint ${tokenUrl}: ${(cause as Error).message}.`, {
        transient: true,
        cause,
      })
    }
    const body = (response.body ?? {}) as {
      access_token?: unknown
      expires_in?: unknown
      code?: unknown
      message?: unknown
    }
    const expiresInSeconds = parseExpiresIn(body.expires_in)
    if (
      response.status >= 200 &&
      response.status < 300 &&
      typeof body.access_token === 'string' &&
      expiresInSeconds !== undefined
    ) {
      const token = body.access_token
      this.options.scrubber?.add(token)
      this.cached = { value: token, expiresAt: requestedAt + expiresInSeconds * 1000 }
      this.options.metrics?.inc('token_refreshes')
      this.options.logger.debug({ expiresInSeconds }, 'access token received')
      this.scheduleRefresh(expiresInSeconds * 1000)
      return token
    }
    const platformCode = typeof body.code === 'number' ? body.code : Number(body.code) || undefined
    const message = typeof body.message === 'string' ? body.message : 'unexpected response'
    throw new TokenError(
      `The token endpoint answered HTTP ${response.status}${platformCode ? `, code ${platformCode}` : ''}: ${message}.`,
      {
        status: response.status,
        platformCode,
        transient:
          response.status >= 500 ||
          response.status === 429 ||
          (platformCode !== undefined && TRANSIENT_CODES.has(platformCode)),
      },
    )
  }

  /**
   * The platform hands back the same token until its last 60 s, then a new one. Refreshing at
   * T−(margin±jitter) lands inside that window. If we were handed a token that is already inside the
   * margin (we asked a moment too early), try again shortly instead of computing a zero delay and
   * never refreshing again (a known bug elsewhere).
   */
  private scheduleRefresh(expiresInMs: number): void {
    if (this.stopped) return
    this.refreshTimer?.cancel()
    const margin = this.options.refreshMarginMs ?? 45_000
    const jitter = this.options.refreshJitterMs ?? 5_000
    const spread = (Math.random() * 2 - 1) * jitter
    let delay = expiresInMs - margin + spread
    if (delay < 1_000) delay = Math.max(1_000, Math.min(expiresInMs / 2, 5_000))
    this.refreshTimer = this.schedule(() => {
      this.refreshTimer = undefined
      this.refreshInBackground(0)
    }, Math.round(delay))
  }

  /**
   * One try of the scheduled refresh (joining a fetch already under way). A failure is retried with
   * backoff while the current token is still good, so an outage of the token endpoint around refresh
   * time costs nothing as long as it ends before the token does.
   */
  private refreshInBackground(failures: number): void {
    if (this.stopped) return
    this.inflight ??= this.fetchOnce().finally(() => {
      this.inflight = undefined
    })
    this.inflight.catch((error: unknown) => {
      if (this.stopped) return
      const { logger } = this.options
      const backoff = this.options.refreshRetryBackoff ?? { baseMs: 1_000, maxMs: 30_000 }
      const delay = Math.min(backoffDelay(failures, backoff), this.remainingMs - MIN_REMAINING_MS)
      if (delay <= 0) {
        logger.error(
          { err: error, failures: failures + 1 },
          'scheduled access token refresh failed; the token expires before another try, so the next call fetches one',
        )
        return
      }
      logger.warn(
        { err: error, failures: failures + 1, retryInMs: Math.round(delay) },
        'scheduled access token refresh failed, retrying while the current token is valid',
      )
      this.refreshTimer?.cancel()
      this.refreshTimer = this.schedule(() => {
        this.refreshTimer = undefined
        this.refreshInBackground(failures + 1)
      }, Math.round(delay))
    })
  }
}

/** `expires_in` arrives as a JSON string ("7200"); accept a number too. */
export function parseExpiresIn(value: unknown): number | undefined {
  const seconds =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined
}
