/** Where the bot talks to: the OpenAPI base, the access-token endpoint and (optionally) a fixed gateway URL. */
export interface Hosts {
  /** REST base URL, no trailing slash, e.g. `https://api.bot.qq.com`. */
  api: string
  /** Full URL of the access-token endpoint. */
  tokenUrl: string
  /** Gateway WebSocket URL. When absent it is asked from `GET /gateway` (or `/gateway/bot`). */
  gateway?: string
  /**
   * A second REST base asked for the gateway URL when `api` answers 5xx or cannot be reached, before
   * backing off. Only gateway lookups use it; every other call goes to `api`.
   */
  fallbackApi?: string
}

/**
 * The production OpenAPI on the platform's new domain, `api.bot.qq.com` (token endpoint on the same host),
 * with the older `api.sgroup.qq.com` as the fallback for gateway lookups. The 2026 reports agree that every
 * call moves there and that `/gateway` on the old domain already answered 500 (docs/protocol.md, hosts).
 */
export const PRODUCTION_HOSTS: Hosts = Object.freeze({
  api: 'https://api.bot.qq.com',
  tokenUrl: 'https://api.bot.qq.com/app/getAppAccessToken',
  fallbackApi: 'https://api.sgroup.qq.com',
})

/**
 * The OpenAPI domain of the 2025 docs, `api.sgroup.qq.com`, with its token endpoint on `bots.qq.com`, and
 * the new domain as the fallback for gateway lookups. For bots the new domain does not serve yet.
 */
export const LEGACY_HOSTS: Hosts = Object.freeze({
  api: 'https://api.sgroup.qq.com',
  tokenUrl: 'https://bots.qq.com/app/getAppAccessToken',
  fallbackApi: 'https://api.bot.qq.com',
})

/** The sandbox OpenAPI: events only from the sandbox guild/group configured in the console. */
export const SANDBOX_HOSTS: Hosts = Object.freeze({
  api: 'https://sandbox.api.sgroup.qq.com',
  tokenUrl: 'https://bots.qq.com/app/getAppAccessToken',
})

/** `'production'` (default), `'legacy'`, `'sandbox'`, or explicit hosts (a local fake platform, a proxy). */
export type HostsOption = 'production' | 'legacy' | 'sandbox' | (Partial<Hosts> & { api: string })

/**
 * Turns the `hosts` option into concrete URLs; an explicit `api` without `tokenUrl` gets
 * `${api}/app/getAppAccessToken`, and no fallback unless `fallbackApi` is given.
 */
export function resolveHosts(option: HostsOption | undefined): Hosts {
  if (option === undefined || option === 'production') return PRODUCTION_HOSTS
  if (option === 'legacy') return LEGACY_HOSTS
  if (option === 'sandbox') return SANDBOX_HOSTS
  const api = stripTrailingSlash(option.api)
  const hosts: Hosts = { api, tokenUrl: option.tokenUrl ?? `${api}/app/getAppAccessToken` }
  if (option.gateway) hosts.gateway = option.gateway
  if (option.fallbackApi) hosts.fallbackApi = stripTrailingSlash(option.fallbackApi)
  return hosts
}

function stripTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url
}
