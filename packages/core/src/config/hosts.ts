/** Where the bot talks to: the OpenAPI base, the access-token endpoint and (optionally) a fixed gateway URL. */
export interface Hosts {
  /** REST base URL, no trailing slash, e.g. `https://api.sgroup.qq.com`. */
  api: string
  /** Full URL of the access-token endpoint. */
  tokenUrl: string
  /** Gateway WebSocket URL. When absent it is asked from `GET /gateway` (or `/gateway/bot`). */
  gateway?: string
}

/** The production OpenAPI. */
export const PRODUCTION_HOSTS: Hosts = Object.freeze({
  api: 'https://api.sgroup.qq.com',
  tokenUrl: 'https://bots.qq.com/app/getAppAccessToken',
})

/** The sandbox OpenAPI: events only from the sandbox guild/group configured in the console. */
export const SANDBOX_HOSTS: Hosts = Object.freeze({
  api: 'https://sandbox.api.sgroup.qq.com',
  tokenUrl: 'https://bots.qq.com/app/getAppAccessToken',
})

/** `'production'`, `'sandbox'`, or explicit hosts (a local fake platform, a proxy, a new domain). */
export type HostsOption = 'production' | 'sandbox' | (Partial<Hosts> & { api: string })

/** Turns the `hosts` option into concrete URLs; an explicit `api` without `tokenUrl` gets `${api}/app/getAppAccessToken`. */
export function resolveHosts(option: HostsOption | undefined): Hosts {
  if (option === undefined || option === 'production') return PRODUCTION_HOSTS
  if (option === 'sandbox') return SANDBOX_HOSTS
  const api = stripTrailingSlash(option.api)
  const hosts: Hosts = { api, tokenUrl: option.tokenUrl ?? `${api}/app/getAppAccessToken` }
  if (option.gateway) hosts.gateway = option.gateway
  return hosts
}

function stripTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url
}
