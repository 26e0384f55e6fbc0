/** For the fake platform's own tests: REST calls with a valid token, answers parsed. */
import type { FakePlatform } from './fake-platform.js'

export interface RestAnswer {
  status: number
  body: Record<string, unknown> | undefined
}

export function restCaller(
  platform: FakePlatform,
): (method: string, path: string, body?: unknown) => Promise<RestAnswer> {
  const token = platform.issueToken().access_token
  return async (method, path, body) => {
    const headers: Record<string, string> = { Authorization: `QQBot ${token}`, 'X-Union-Appid': platform.appId }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as RestAnswer['body'] }
  }
}
