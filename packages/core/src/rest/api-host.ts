import type { RestRequest } from './rest-request.js'

/** One API domain, parsed once: building a URL object per request showed up in profiles. */
export interface ApiHost {
  baseUrl: string
  origin: string
  basePath: string
}

/** Parses a base URL such as `https://api.sgroup.qq.com` or one with a path prefix. */
export function parseHost(baseUrl: string): ApiHost {
  const url = new URL(baseUrl)
  return { baseUrl: baseUrl.replace(/\/$/, ''), origin: url.origin, basePath: url.pathname.replace(/\/$/, '') }
}

/** `?name=value&…` of the defined values of `query`, or '' when there are none. */
export function queryString(query: RestRequest['query']): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}
