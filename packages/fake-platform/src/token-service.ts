import { randomToken } from './ids.js'

/** Seconds before expiry in which a token request issues a new token (docs/protocol.md, access token). */
export const TOKEN_REFRESH_WINDOW_SECONDS = 60

/** Successful answer of `POST /app/getAppAccessToken`. */
export interface TokenGrant {
  /** The access token. */
  access_token: string
  /** Remaining lifetime in seconds, as a string like the real platform. */
  expires_in: string
}

/**
 * Issues and validates access tokens with the platform's lifetime rules: the same token is
 * returned until its last 60 s, then a new one is issued while the old one stays valid until
 * its own expiry.
 */
export class TokenService {
  /** Number of token requests served (including rejected ones). */
  requests = 0
  private readonly expiries = new Map<string, number>()
  private current: { token: string; expiresAt: number } | undefined

  constructor(
    private readonly appId: string,
    private readonly secret: string,
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  /** The most recently issued token, if it is still valid. */
  get currentToken(): string | undefined {
    const current = this.current
    return current && this.isValid(current.token) ? current.token : undefined
  }

  /** Checks the credential pair and returns a grant, or `undefined` when it is wrong. */
  request(appId: unknown, clientSecret: unknown): TokenGrant | undefined {
    if (appId === undefined || clientSecret === undefined) return undefined
    if (String(appId) !== this.appId || String(clientSecret) !== this.secret) return undefined
    return this.grant()
  }

  /** Returns a grant without checking credentials (for tests that need a valid token). */
  grant(): TokenGrant {
    const now = this.now()
    this.prune(now)
    const current = this.current
    if (current && current.expiresAt - now > TOKEN_REFRESH_WINDOW_SECONDS * 1000) {
      return { access_token: current.token, expires_in: String(Math.floor((current.expiresAt - now) / 1000)) }
    }
    const token = randomToken()
    const expiresAt = now + this.ttlSeconds * 1000
    this.expiries.set(token, expiresAt)
    this.current = { token, expiresAt }
    return { access_token: token, expires_in: String(this.ttlSeconds) }
  }

  /** True when `token` was issued and has not expired (or been expired by {@link expireAll}). */
  isValid(token: string): boolean {
    const expiresAt = this.expiries.get(token)
    return expiresAt !== undefined && this.now() < expiresAt
  }

  /** Invalidates every issued token; the next request issues a fresh one. */
  expireAll(): void {
    this.expiries.clear()
    this.current = undefined
  }

  private prune(now: number): void {
    for (const [token, expiresAt] of this.expiries) {
      if (expiresAt <= now) this.expiries.delete(token)
    }
    if (this.current && this.current.expiresAt <= now) this.current = undefined
  }
}
