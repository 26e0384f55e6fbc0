/** One REST request as the fake platform saw it (token endpoint included). */
export interface RecordedCall {
  /** HTTP method, upper case. */
  method: string
  /** URL path without the query string. */
  path: string
  /** Query parameters (last value wins for repeated keys). */
  query: Record<string, string>
  /** Request headers, lower-case names; repeated headers are joined with `, `. */
  headers: Record<string, string>
  /** Parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  body: unknown
  /** HTTP status the platform answered with. */
  status: number
  /** Wall-clock time (ms) the request arrived. */
  at: number
  /** Value of the `X-Tps-trace-ID` response header. */
  traceId: string
  /** The `X-Union-Appid` request header, if sent. */
  unionAppId?: string
  /** True when the response came from {@link RestFaults.failNext} fault injection. */
  injected: boolean
  /** The JSON body the platform answered with (`undefined` when empty). */
  response?: unknown
}

/**
 * The scene a message was sent to, named by its send endpoint: `guild` (`/channels/{id}/messages`), `dm`
 * (`/dms/{guild_id}/messages`), `group` and `c2c`. The same four names as `Scene` of @qqbot/core (a type test
 * pins them equal); spelt here because the fake platform imports no workspace package.
 */
export type Scene = 'guild' | 'dm' | 'group' | 'c2c'

/** A message the platform accepted (HTTP 2xx) on one of the send endpoints. */
export interface SentMessage {
  /** Which send endpoint was used. */
  scene: Scene
  /** channel id, DM guild id, group openid or user openid. */
  target: string
  /** The request body as sent (parsed JSON, or raw text for multipart bodies). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any
  /** The message id the platform assigned. */
  id: string
}

/** Listener for {@link RecordedCall}s, called once the response status is known. */
export type RequestListener = (call: RecordedCall) => void

/** Listener for {@link SentMessage}s, called as soon as the platform accepts a message. */
export type SentListener = (message: SentMessage) => void
