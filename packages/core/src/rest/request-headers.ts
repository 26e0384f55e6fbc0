/**
 * The headers of a REST call: `Authorization: QQBot {token}`, `X-Union-Appid`, a JSON content type when there is
 * a body, and the call's own. Calls without headers of their own (almost all) share two frozen objects, made
 * once per access token.
 */
export class RequestHeaders {
  private plain: { token: string; withBody: Record<string, string>; withoutBody: Record<string, string> } | undefined

  constructor(private readonly appId: string) {}

  of(token: string, hasBody: boolean, extra: Record<string, string> | undefined): Record<string, string> {
    if (extra === undefined) {
      let cached = this.plain
      if (cached?.token !== token)
        cached = this.plain = {
          token,
          withBody: Object.freeze(this.build(token, true, undefined)),
          withoutBody: Object.freeze(this.build(token, false, undefined)),
        }
      return hasBody ? cached.withBody : cached.withoutBody
    }
    return this.build(token, hasBody, extra)
  }

  private build(token: string, hasBody: boolean, extra: Record<string, string> | undefined): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `QQBot ${token}`,
      'x-union-appid': this.appId,
      ...extra,
    }
    if (hasBody) headers['content-type'] = 'application/json'
    return headers
  }
}
